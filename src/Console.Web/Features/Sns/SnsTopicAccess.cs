using SesConsole.Domain.Authorization;
using SesConsole.Domain.Notifications;

namespace SesConsole.Web.Features.Sns;

/// <summary>Whether a service may publish to a topic, and whose topic it is.</summary>
/// <param name="Allowed">True when the topic exists and its policy (or the owner's rule) lets the service publish.</param>
/// <param name="TopicAccountId">The topic owner's account; null when there is no such topic.</param>
/// <param name="Reason">Why not (or which rule allowed it), for logs and the identity page.</param>
public sealed record TopicPublishCheck(bool Allowed, string? TopicAccountId, string? Reason);

/// <summary>A topic SES may publish to, for the identity page's picker.</summary>
public sealed record UsableTopic(string Arn, string AccountId, string Name, string? DisplayName);

/// <summary>
/// What the SES side asks about topics (docs/notifications.md#topic-policies): may SES publish an identity's feedback or
/// a configuration set's events to this topic, and which topics could it publish to. Decided by
/// <see cref="TopicAuthorizer"/> with <c>aws:SourceAccount</c> = the identity owner's account and <c>aws:SourceArn</c> =
/// the SES resource's ARN, over <see cref="SnsTopicCache"/> (no query while the cache is warm).
/// </summary>
public sealed class SnsTopicAccess(SnsTopicCache topics, TimeProvider time)
{
    /// <summary>
    /// Whether <paramref name="servicePrincipal"/> (e.g. <c>ses.amazonaws.com</c>) may <c>SNS:Publish</c> to
    /// <paramref name="topicArn"/> for a resource of <paramref name="sourceAccount"/> with ARN <paramref name="sourceArn"/>.
    /// An unknown topic gives <c>Allowed=false</c> with a reason.
    /// </summary>
    public async Task<TopicPublishCheck> CheckServicePublishAsync(string topicArn, string servicePrincipal, string sourceAccount, string sourceArn, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(servicePrincipal);
        var topic = await topics.FindAsync(topicArn, ct);
        if (topic is null)
        {
            return new TopicPublishCheck(false, null, $"Topic {topicArn} does not exist.");
        }

        var result = Authorize(topic, servicePrincipal, sourceAccount, sourceArn);
        return new TopicPublishCheck(result.IsAllowed, topic.AccountId, result.Describe());
    }

    /// <summary>
    /// The topics in <paramref name="region"/> SES may publish to for the resource <paramref name="sourceArn"/> of
    /// <paramref name="sourceAccount"/>: the owner's own plus other accounts' topics whose policy allows it, by ARN.
    /// </summary>
    public async Task<IReadOnlyList<UsableTopic>> TopicsSesMayPublishToAsync(string region, string sourceAccount, string sourceArn, CancellationToken ct)
    {
        var all = await topics.GetRegionAsync(region, ct);
        var usable = new List<UsableTopic>();
        foreach (var topic in all.Values)
        {
            if (Authorize(topic, TopicPolicies.SesServicePrincipal, sourceAccount, sourceArn).IsAllowed)
            {
                usable.Add(new UsableTopic(topic.Arn.Value, topic.AccountId, topic.Name, topic.DisplayName));
            }
        }

        usable.Sort((a, b) => string.CompareOrdinal(a.Arn, b.Arn));
        return usable;
    }

    private TopicAuthorizationResult Authorize(CachedTopic topic, string servicePrincipal, string sourceAccount, string sourceArn)
    {
        var request = TopicAuthorizer.Request(RequestPrincipal.ForService(servicePrincipal), "SNS:Publish", topic.Arn,
            new RequestContext { SourceAccount = sourceAccount, SourceArn = sourceArn, CurrentTime = time.GetUtcNow(), SecureTransport = true });
        return TopicAuthorizer.Authorize(request, topic.Policy, topic.UsesDefaultPolicy, Domain.Policies.CompiledPolicySet.Empty);
    }
}
