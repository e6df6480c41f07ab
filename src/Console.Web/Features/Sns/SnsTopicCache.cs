using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Notifications;
using SesConsole.Domain.Policies;
using SesConsole.Web.Sending;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Features.Sns;

/// <summary>A topic as authorization reads it: its ARN, names and compiled policy (a copy: cached, never an EF entity).</summary>
/// <param name="Id">The row's id.</param>
/// <param name="Arn">The topic ARN.</param>
/// <param name="DisplayName">The topic's DisplayName attribute.</param>
/// <param name="Policy">The topic policy compiled, or SNS's default when the topic has none.</param>
/// <param name="UsesDefaultPolicy">True when the topic has no policy of its own.</param>
public sealed record CachedTopic(Guid Id, TopicArn Arn, string? DisplayName, CompiledPolicySet Policy, bool UsesDefaultPolicy)
{
    public string AccountId => Arn.Account.Value;

    public string Name => Arn.Name;
}

/// <summary>
/// The topics of each region with their compiled policies, read through on first use and dropped as soon as the SNS
/// API or the Topics page changes a topic (<see cref="Invalidate"/>). Writes made elsewhere (another instance) are seen
/// after the send path's cache lifetime (<c>Sending:ReadCache:Lifetime</c>). A load that raced with a change is not kept.
/// </summary>
public sealed class SnsTopicCache(IDbContextFactory<ConsoleDbContext> dbFactory, IOptions<SendingReadCacheOptions> options, TimeProvider time)
{
    private readonly Dictionary<string, Entry> _regions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _version;

    /// <summary>The topics of <paramref name="region"/>, keyed by ARN.</summary>
    public async ValueTask<IReadOnlyDictionary<string, CachedTopic>> GetRegionAsync(string region, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(region);
        var lifetime = options.Value.Lifetime;
        long version;
        lock (_lock)
        {
            version = _version;
            if (lifetime > TimeSpan.Zero && _regions.TryGetValue(region, out var entry) && time.GetElapsedTime(entry.LoadedAt) < lifetime)
            {
                return entry.Topics;
            }
        }

        var started = time.GetTimestamp();
        var topics = await LoadAsync(region, ct);
        lock (_lock)
        {
            if (_version == version && lifetime > TimeSpan.Zero)
            {
                _regions[region] = new Entry(topics, started);
            }
        }

        return topics;
    }

    /// <summary>The topic named by <paramref name="topicArn"/>; null when there is none (or the ARN is not a topic ARN).</summary>
    public async ValueTask<CachedTopic?> FindAsync(string topicArn, CancellationToken ct)
    {
        if (!TopicArn.Parse(topicArn).TryGetValue(out var arn))
        {
            return null;
        }

        var topics = await GetRegionAsync(arn.Region, ct);
        return topics.GetValueOrDefault(arn.Value);
    }

    /// <summary>Drops every cached region (after a topic was created, changed or deleted).</summary>
    public void Invalidate()
    {
        lock (_lock)
        {
            _version++;
            _regions.Clear();
        }
    }

    /// <summary>Compiles a stored topic policy; SNS's default when it is null or (saved before a rule changed) no longer valid.</summary>
    public static (CompiledPolicySet Policy, bool UsesDefault) Compile(TopicArn arn, string? policy)
    {
        if (string.IsNullOrWhiteSpace(policy))
        {
            return (TopicAuthorizer.DefaultPolicy(arn), true);
        }

        // Principals were checked when the policy was saved; one deleted since then simply matches nobody.
        var validated = PolicyValidator.ValidateTopicPolicy(policy, arn, SavedPrincipals.Instance);
        return PolicyCompiler.Compile("topic", validated).TryGetValue(out var compiled)
            ? (new CompiledPolicySet([compiled]), false)
            : (CompiledPolicySet.Empty, false);
    }

    private async Task<IReadOnlyDictionary<string, CachedTopic>> LoadAsync(string region, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.SnsTopics.AsNoTracking().Where(t => t.Region == region)
            .Select(t => new { t.Id, t.Arn, t.DisplayName, t.Policy }).ToListAsync(ct);
        var topics = new Dictionary<string, CachedTopic>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (TopicArn.Parse(row.Arn).TryGetValue(out var arn))
            {
                var (policy, usesDefault) = Compile(arn, row.Policy);
                topics[row.Arn] = new CachedTopic(row.Id, arn, row.DisplayName, policy, usesDefault);
            }
        }

        return topics;
    }

    private sealed record Entry(IReadOnlyDictionary<string, CachedTopic> Topics, long LoadedAt);
}
