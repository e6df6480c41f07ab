using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Features.Sns;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Notifications.Feedback;

/// <summary>A configuration set's event destination as the fan-out uses it: how it routes, and where it goes.</summary>
public sealed record FeedbackDestination(EventDestination Route, EventDestinationKind Kind, string? TopicArn);

/// <summary>A topic SES may publish to for one source (identity or configuration set), with its row's ID; null ID when refused.</summary>
public sealed record FeedbackTopic(string Arn, Guid? TopicId, string? Reason)
{
    public bool Allowed => TopicId is not null;
}

/// <summary>
/// What the feedback fan-out reads on every event, held in <see cref="SendingReadCache"/> so the send path makes no
/// query per message (docs/notifications.md#identity-notifications): an owner's identity notification settings per
/// region (family Identities: saving an identity drops them), a sending account's configuration-set destinations and
/// the topic-policy decisions per (topic, source) (family Accounts: <see cref="SendingCacheInvalidation"/> drops it when
/// a set, a destination or a topic is saved).
/// </summary>
public sealed class FeedbackSettingsCache(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache, SnsTopicAccess topics)
{
    /// <summary>The principal SES publishes as.</summary>
    public const string SesPrincipal = "ses.amazonaws.com";

    /// <summary>
    /// The settings that apply to mail sent from <paramref name="sourceAddress"/> as <paramref name="identityName"/> of
    /// <paramref name="owner"/>: the address identity's when it has settings of its own, else the named identity's, else
    /// the address's domain identity's, else SES's defaults (docs/notifications.md#identity-notifications).
    /// </summary>
    public async ValueTask<IdentityNotificationSettings> IdentitySettingsAsync(string owner, string region, string sourceAddress, string identityName, CancellationToken ct)
    {
        var all = await cache.GetAsync(SendingData.Identities, new SettingsKey(owner, region), LoadSettingsAsync, ct);
        if (all.Count == 0)
        {
            return IdentityNotificationSettings.Default;
        }

        var at = sourceAddress.LastIndexOf('@');
        var domain = at >= 0 ? sourceAddress[(at + 1)..].ToLowerInvariant() : null;
        return all.GetValueOrDefault(sourceAddress) ?? all.GetValueOrDefault(identityName)
            ?? (domain is null ? null : all.GetValueOrDefault(domain)) ?? IdentityNotificationSettings.Default;
    }

    /// <summary>The enabled destinations of <paramref name="account"/>'s set <paramref name="name"/> in <paramref name="region"/>.</summary>
    public ValueTask<IReadOnlyList<FeedbackDestination>> DestinationsAsync(string account, string region, string name, CancellationToken ct) =>
        cache.GetAsync(SendingData.ConfigurationSets, new DestinationsKey(account, region, name), LoadDestinationsAsync, ct);

    /// <summary>Whether SES may publish to <paramref name="topicArn"/> for <paramref name="sourceArn"/> of <paramref name="sourceAccount"/>, by the topic's policy.</summary>
    public ValueTask<FeedbackTopic> TopicAsync(string topicArn, string sourceAccount, string sourceArn, CancellationToken ct) =>
        cache.GetAsync(SendingData.Accounts, new TopicKey(topicArn, sourceAccount, sourceArn), LoadTopicAsync, ct);

    private async Task<IReadOnlyDictionary<string, IdentityNotificationSettings>> LoadSettingsAsync(SettingsKey key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.SendingIdentities.AsNoTracking()
            .Where(i => i.AccountId == key.Owner && i.Region == key.Region
                        && (i.BounceTopicArn != null || i.ComplaintTopicArn != null || i.DeliveryTopicArn != null || !i.FeedbackForwardingEnabled
                            || i.HeadersInBounceNotifications || i.HeadersInComplaintNotifications || i.HeadersInDeliveryNotifications))
            .Select(i => new { i.Name, Settings = Of(i) })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Name, r => r.Settings, StringComparer.Ordinal);
    }

    /// <summary>An identity row's settings.</summary>
    public static IdentityNotificationSettings Of(SendingIdentityEntity i) =>
        new(i.BounceTopicArn, i.ComplaintTopicArn, i.DeliveryTopicArn, i.FeedbackForwardingEnabled,
            i.HeadersInBounceNotifications, i.HeadersInComplaintNotifications, i.HeadersInDeliveryNotifications);

    private async Task<IReadOnlyList<FeedbackDestination>> LoadDestinationsAsync(DestinationsKey key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ConfigurationSetEventDestinations.AsNoTracking()
            .Where(d => d.Enabled && db.ConfigurationSets.Any(c => c.Id == d.ConfigurationSetId && c.AccountId == key.Account && c.Region == key.Region && c.Name == key.Name))
            .ToListAsync(ct);
        return [.. rows.Select(d => new FeedbackDestination(new EventDestination(d.Name, SendEventTypes.ParseList(d.MatchingEventTypes), d.Enabled), d.Kind, d.TopicArn))];
    }

    private async Task<FeedbackTopic> LoadTopicAsync(TopicKey key, CancellationToken ct)
    {
        var check = await topics.CheckServicePublishAsync(key.TopicArn, SesPrincipal, key.SourceAccount, key.SourceArn, ct);
        if (!check.Allowed)
        {
            return new FeedbackTopic(key.TopicArn, null, check.Reason ?? "the topic's policy does not allow ses.amazonaws.com to publish");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await db.SnsTopics.AsNoTracking().Where(t => t.Arn == key.TopicArn).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
        return new FeedbackTopic(key.TopicArn, id, id is null ? "the topic does not exist" : null);
    }

    private sealed record SettingsKey(string Owner, string Region);

    private sealed record DestinationsKey(string Account, string Region, string Name);

    private sealed record TopicKey(string TopicArn, string SourceAccount, string SourceArn);
}
