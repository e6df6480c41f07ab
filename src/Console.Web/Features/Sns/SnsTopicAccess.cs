using Microsoft.EntityFrameworkCore;
using SesConsole.Data;

namespace SesConsole.Web.Features.Sns;

/// <summary>The answer of <see cref="SnsTopicAccess.CheckServicePublishAsync"/>.</summary>
public sealed record TopicPublishCheck(bool Allowed, string? TopicAccountId, string? Reason);

/// <summary>A topic SES may publish an identity's notifications to.</summary>
public sealed record UsableTopic(string Arn, string AccountId, string Name, string? DisplayName);

/// <summary>
/// PLACEHOLDER until h15-sns's SNS core is merged (which replaces this file): the topic exists, and either belongs to
/// the identity's owner with the default policy or has a policy that names ses.amazonaws.com.
/// </summary>
public sealed class SnsTopicAccess(IDbContextFactory<ConsoleDbContext> dbFactory)
{
    public async Task<TopicPublishCheck> CheckServicePublishAsync(string topicArn, string servicePrincipal, string sourceAccount, string sourceArn, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var topic = await db.SnsTopics.AsNoTracking().SingleOrDefaultAsync(t => t.Arn == topicArn, ct);
        if (topic is null)
        {
            return new TopicPublishCheck(false, null, $"Topic {topicArn} does not exist.");
        }

        var allowed = topic.Policy is null ? topic.AccountId == sourceAccount : topic.Policy.Contains(servicePrincipal, StringComparison.Ordinal);
        return new TopicPublishCheck(allowed, topic.AccountId, allowed ? null : $"The policy of {topicArn} does not let {servicePrincipal} publish for {sourceArn}.");
    }

    public async Task<IReadOnlyList<UsableTopic>> TopicsSesMayPublishToAsync(string region, string sourceAccount, string sourceArn, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var topics = await db.SnsTopics.AsNoTracking().Where(t => t.Region == region).ToListAsync(ct);
        var usable = new List<UsableTopic>();
        foreach (var t in topics)
        {
            if ((await CheckServicePublishAsync(t.Arn, "ses.amazonaws.com", sourceAccount, sourceArn, ct)).Allowed)
            {
                usable.Add(new UsableTopic(t.Arn, t.AccountId, t.Name, t.DisplayName));
            }
        }

        return usable;
    }
}
