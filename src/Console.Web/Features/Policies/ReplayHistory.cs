using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Features.Policies;

/// <summary>
/// One identity of the owner in a region, with its saved policies compiled (as the send path compiles them). Only
/// verified ones take part in choosing whose policies decide a send (<see cref="PolicyCount"/> is 0 for the others).
/// </summary>
public sealed record OwnerIdentity(string Name, string Arn, bool Verified, IReadOnlyList<(string Name, string Document)> Documents, IReadOnlyList<CompiledPolicy> Compiled)
{
    /// <summary>The policy count <see cref="IdentityPolicySelector"/> sees: none for an identity that cannot send.</summary>
    public int PolicyCount => Verified ? Compiled.Count : 0;

    public CompiledPolicySet Set { get; } = new(Compiled);
}

/// <summary>One stored attempt as the replay reads it.</summary>
public sealed record HistoryRow(DateTimeOffset At, string CallerArn, string? IdentityArn, string? Decision, RequestContext Context, string? MessageId);

/// <summary>An owner's send history in one region and window, and its identities (docs/policy-editor.md#impact-preview).</summary>
/// <param name="NotReplayable">Attempts in the window that reached the checks but were stored without their request context (older rows).</param>
/// <param name="Truncated">The window held more attempts than <see cref="PolicyImpactOptions.MaxAttempts"/>; the newest were kept.</param>
public sealed record OwnerHistory(
    string OwnerAccountId,
    string Region,
    IReadOnlyList<OwnerIdentity> Identities,
    IReadOnlyList<HistoryRow> Rows,
    IReadOnlyDictionary<string, string?> Organizations,
    int NotReplayable,
    bool Truncated,
    TimeSpan Window)
{
    /// <summary>
    /// The rows as replay attempts against one identity: those whose From address <paramref name="scopeFor"/> gives a scope
    /// (the identity's policies decide it before or after), with the checks of the From identity and the caller's side as recorded.
    /// </summary>
    public IReadOnlyList<ReplayAttempt> Attempts(Func<string, ReplayScope?> scopeFor)
    {
        ArgumentNullException.ThrowIfNull(scopeFor);
        var scopes = new Dictionary<string, ReplayScope?>(StringComparer.Ordinal);
        var principals = new Dictionary<string, RequestPrincipal?>(StringComparer.Ordinal);
        var result = new List<ReplayAttempt>(Rows.Count);
        foreach (var row in Rows)
        {
            var from = row.Context.FromAddress!;
            if (!scopes.TryGetValue(from, out var scope))
            {
                scopes[from] = scope = scopeFor(from);
            }

            if (scope is null)
            {
                continue;
            }

            if (!principals.TryGetValue(row.CallerArn, out var principal))
            {
                principals[row.CallerArn] = principal = Principal(row.CallerArn);
            }

            if (principal is null)
            {
                continue;
            }

            var checks = RecordedCheck.Parse(row.Decision);
            var named = row.IdentityArn is { } arn && arn.IndexOf(":identity/", StringComparison.Ordinal) is var i and >= 0 ? arn[(i + 10)..] : null;
            var mine = checks.Where(c => c.IdentityName is null || c.IdentityName == named).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var othersAllowed = checks.Count == mine.Count || checks.Except(mine).All(c => c.Allowed);
            result.Add(new ReplayAttempt(row.At, principal, row.Context, mine, othersAllowed, scope, row.MessageId));
        }

        return result;
    }

    private RequestPrincipal? Principal(string callerArn)
    {
        if (PrincipalArn.Parse(callerArn).TryGetValue(out var arn))
        {
            OrganizationId? org = Organizations.TryGetValue(arn.Account.Value, out var o) && OrganizationId.Parse(o).TryGetValue(out var id) ? id : null;
            return RequestPrincipal.ForArn(arn, org);
        }

        return callerArn.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) ? RequestPrincipal.ForService(callerArn) : null;
    }
}

/// <summary>
/// Reads an owner's recent attempts that reached the authorization step (<c>SendAttempts</c> by <c>(OwnerAccountId, At)</c>,
/// newest first, at most <see cref="PolicyImpactOptions.MaxAttempts"/> in <see cref="PolicyImpactOptions.Window"/>) with
/// their request contexts, and the owner's identities in the region with their saved policies. Callers check ownership first.
/// </summary>
public sealed class ReplayHistory(IDbContextFactory<ConsoleDbContext> dbFactory, IOptions<PolicyImpactOptions> options, TimeProvider time)
{
    /// <param name="relatedTo">
    /// When set, only attempts named by identities whose policies could decide a From address this identity covers (the
    /// identity, its domain's address identities and subdomains, its parent domains) are read, so other identities'
    /// traffic does not use up <see cref="PolicyImpactOptions.MaxAttempts"/>.
    /// </param>
    public async Task<OwnerHistory> LoadAsync(string ownerAccountId, string region, string? relatedTo = null, CancellationToken ct = default)
    {
        var settings = options.Value;
        var since = time.GetUtcNow() - settings.Window;
        var prefix = $"arn:aws:ses:{region}:{ownerAccountId}:identity/";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var identities = await db.SendingIdentities.AsNoTracking()
            .Where(i => i.AccountId == ownerAccountId && i.Region == region)
            .Select(i => new { i.Id, i.Name, i.Arn, Verified = i.VerificationStatus == VerificationStatus.Success })
            .ToListAsync(ct);
        var ids = identities.Select(i => i.Id).ToList();
        var policies = await db.IdentityPolicies.AsNoTracking().Where(p => ids.Contains(p.IdentityId))
            .Select(p => new { p.IdentityId, p.Name, p.Document }).ToListAsync(ct);
        var owners = identities.Select(i =>
        {
            var documents = policies.Where(p => p.IdentityId == i.Id).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => (p.Name, p.Document)).ToList();
            return new OwnerIdentity(i.Name, i.Arn, i.Verified, documents, Compile(i.Arn, documents));
        }).ToList();

        var query = db.SendAttempts.AsNoTracking()
            .Where(a => a.OwnerAccountId == ownerAccountId && a.At >= since && a.Decision != null && a.IdentityArn != null && a.IdentityArn.StartsWith(prefix));
        if (relatedTo is not null)
        {
            var arns = identities.Where(i => Related(i.Name, relatedTo)).Select(i => i.Arn).Append(prefix + relatedTo).Distinct(StringComparer.Ordinal).ToList();
            query = query.Where(a => arns.Contains(a.IdentityArn!));
        }
        var rows = await query.Where(a => a.ReplayContext != null)
            .OrderByDescending(a => a.At)
            .Take(settings.MaxAttempts + 1)
            .Select(a => new { a.At, a.CallerArn, a.IdentityArn, a.Decision, a.ReplayContext, a.FromAddress, a.Mail, a.MessageId })
            .ToListAsync(ct);
        var notReplayable = await query.CountAsync(a => a.ReplayContext == null, ct);
        var truncated = rows.Count > settings.MaxAttempts;
        var history = new List<HistoryRow>(Math.Min(rows.Count, settings.MaxAttempts));
        foreach (var row in rows.Take(settings.MaxAttempts))
        {
            var context = StoredRequestContext.Read(row.ReplayContext, row.At, row.FromAddress, row.Mail);
            if (context?.FromAddress is null)
            {
                notReplayable++;
                continue;
            }

            history.Add(new HistoryRow(row.At, row.CallerArn, row.IdentityArn, row.Decision, context, row.MessageId));
        }

        var accounts = history.Select(r => PrincipalArn.Parse(r.CallerArn).TryGetValue(out var arn) ? arn.Account.Value : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var organizations = await db.Accounts.AsNoTracking().Where(a => accounts.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.OrganizationId, StringComparer.Ordinal, ct);
        return new OwnerHistory(ownerAccountId, region, owners, history, organizations, notReplayable, truncated, settings.Window);
    }

    /// <summary>Whether two identities' domains are the same or one is a subdomain of the other (the address's domain for an address).</summary>
    internal static bool Related(string a, string b)
    {
        var x = DomainOf(a);
        var y = DomainOf(b);
        return string.Equals(x, y, StringComparison.OrdinalIgnoreCase) ||
               x.EndsWith("." + y, StringComparison.OrdinalIgnoreCase) || y.EndsWith("." + x, StringComparison.OrdinalIgnoreCase);

        static string DomainOf(string name) => name[(name.LastIndexOf('@') + 1)..];
    }

    /// <summary>
    /// Saved policies compiled as the send path does: principals were checked when they were saved, so one deleted since
    /// neither invalidates the policy nor drops its statements (<see cref="SavedPrincipals"/>); a policy that no longer
    /// compiles is left out.
    /// </summary>
    public static IReadOnlyList<CompiledPolicy> Compile(string identityArn, IEnumerable<(string Name, string Document)> documents)
    {
        var arn = IdentityArn.Parse(identityArn);
        if (!arn.IsSuccess)
        {
            return [];
        }

        return documents
            .Select(d => PolicyCompiler.Compile(d.Name, PolicyValidator.ValidateResourcePolicy(d.Document, arn.Value, SavedPrincipals.Instance)))
            .Where(r => r.IsSuccess).Select(r => r.Value!).ToList();
    }
}
