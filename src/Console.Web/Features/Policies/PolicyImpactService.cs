using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Features.Policies;

/// <summary>A policy change to preview: the policy <c>OriginalName</c> (null: a new one) becomes <c>Name</c> with <c>Document</c>; a null <c>Document</c> deletes it.</summary>
public sealed record PolicyDraft(string? OriginalName, string Name, string? Document)
{
    public static PolicyDraft Delete(string name) => new(name, name, null);
}

/// <summary>The impact preview's answer (docs/policy-editor.md#impact-preview).</summary>
/// <param name="Report">The changes.</param>
/// <param name="Window">How far back the attempts go.</param>
/// <param name="Truncated">More attempts than the limit were in the window; the newest were replayed.</param>
/// <param name="NotReplayable">Attempts of the window stored without their request context (written before the preview existed).</param>
/// <param name="UsesUserAgent">A saved or draft statement tests <c>aws:UserAgent</c>, which attempts do not keep (replayed as absent).</param>
public sealed record ImpactPreview(PolicyImpactReport Report, TimeSpan Window, bool Truncated, int NotReplayable, bool UsesUserAgent);

/// <summary>
/// Replays the identity's recent attempts against a draft (docs/policy-editor.md#impact-preview): the identity's saved
/// policies with one replaced (or removed), the owner's side re-evaluated, the caller's IAM side as recorded. Owner only:
/// the identity must belong to the caller's account (any member of it may preview; only the root saves).
/// </summary>
public sealed class PolicyImpactService(IDbContextFactory<ConsoleDbContext> dbFactory, ReplayHistory history)
{
    public async Task<Result<ImpactPreview>> PreviewAsync(Caller caller, string region, string identityName, PolicyDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(draft);
        string? arnText;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            arnText = await db.SendingIdentities.AsNoTracking()
                .Where(i => caller.AccountId != null && i.AccountId == caller.AccountId && i.Region == region && i.Name == identityName)
                .Select(i => i.Arn).SingleOrDefaultAsync(ct);
        }

        if (arnText is null || caller.AccountId is null)
        {
            return new Error("identity.not_found", $"Identity {identityName} does not exist in {region} in your account.");
        }

        var owner = await history.LoadAsync(caller.AccountId, region, identityName, ct);
        var saved = owner.Identities.FirstOrDefault(i => i.Name == identityName);
        var savedDocuments = saved?.Documents ?? [];
        var afterDocuments = savedDocuments.Where(d => d.Name != (draft.OriginalName ?? draft.Name)).ToList();
        if (draft.Document is not null)
        {
            var arn = IdentityArn.Parse(arnText).GetValueOrThrow();
            var compiled = PolicyCompiler.Compile(draft.Name, PolicyValidator.ValidateResourcePolicy(draft.Document, arn, SavedPrincipals.Instance));
            if (!compiled.IsSuccess)
            {
                return new Error("impact.invalid_draft", "The draft has errors; fix them to see what it would change.");
            }

            afterDocuments.Add((draft.Name, draft.Document));
        }

        var after = new OwnerIdentity(identityName, arnText, saved?.Verified ?? false, afterDocuments, ReplayHistory.Compile(arnText, afterDocuments));
        var attempts = owner.Attempts(address => Scope(owner.Identities, saved, after, address));
        var report = PolicyImpact.Replay(attempts);
        var usesUserAgent = afterDocuments.Concat(savedDocuments).Any(d => d.Document.Contains("aws:UserAgent", StringComparison.OrdinalIgnoreCase));
        return new ImpactPreview(report, owner.Window, owner.Truncated, owner.NotReplayable, usesUserAgent);
    }

    /// <summary>
    /// Whose policies decide <paramref name="address"/> before and after (docs/policy-engine.md, "Which identity's
    /// policies"); null when the edited identity decides it neither before nor after (the draft cannot change it).
    /// </summary>
    internal static ReplayScope? Scope(IReadOnlyList<OwnerIdentity> identities, OwnerIdentity? savedEdited, OwnerIdentity afterEdited, string address)
    {
        var edited = afterEdited.Name;
        var before = IdentityPolicySelector.Select(identities, i => i.Name, i => i.PolicyCount, address);
        var afterList = identities.Where(i => i.Name != edited).Append(afterEdited).ToList();
        var after = IdentityPolicySelector.Select(afterList, i => i.Name, i => i.PolicyCount, address);
        var beforeIdentity = before.IsSuccess ? before.Value : null;
        var afterIdentity = after.IsSuccess ? after.Value : null;
        if (beforeIdentity?.Name != edited && afterIdentity?.Name != edited)
        {
            return null;
        }

        // With no covering identity that has policies the owner's side allows nothing: an empty set on the edited identity.
        return new ReplayScope(
            beforeIdentity?.Arn ?? savedEdited?.Arn ?? afterEdited.Arn, beforeIdentity?.Set ?? CompiledPolicySet.Empty,
            afterIdentity?.Arn ?? afterEdited.Arn, afterIdentity?.Set ?? CompiledPolicySet.Empty);
    }
}
