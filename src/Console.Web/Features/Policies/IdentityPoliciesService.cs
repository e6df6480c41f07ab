using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Features.Policies;

/// <summary>
/// Sending authorization policies of one identity: list, get, create, update, rename, delete. Owner only: every query is
/// scoped by <see cref="Caller.AccountId"/>; the account root writes, members read. Saving validates with the policy
/// engine (errors block, warnings are returned), enforces SES's limits and messages, and stores the text as written.
/// A failed save changes nothing.
/// </summary>
public sealed class IdentityPoliciesService(IDbContextFactory<ConsoleDbContext> dbFactory, PrincipalDirectoryLoader directoryLoader, SendingReadCache cache, TimeProvider time,
    Audit.AuditTrail audit)
{
    private static readonly Error RootOnly = new("auth.root_only", "Only the account's root user can change sending authorization policies.");

    /// <summary>The identity and its policies, ordered by name.</summary>
    public async Task<Result<IdentityPolicies>> ListAsync(Caller caller, string region, string identityName, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var identity = await FindIdentityAsync(db, caller, region, identityName, ct);
        if (identity is null)
        {
            return IdentityNotFound(identityName, region);
        }

        var policies = await db.IdentityPolicies.AsNoTracking().Where(p => p.IdentityId == identity.Id).ToListAsync(ct);
        return new IdentityPolicies(identity.Name, identity.Arn, identity.AccountId, identity.Type,
            policies.OrderBy(p => p.Name, StringComparer.Ordinal).Select(View).ToList());
    }

    public async Task<Result<IdentityPolicyView>> GetAsync(Caller caller, string region, string identityName, string policyName, CancellationToken ct = default)
    {
        var list = await ListAsync(caller, region, identityName, ct);
        if (!list.IsSuccess)
        {
            return list.Error;
        }

        var policy = list.Value.Policies.FirstOrDefault(p => p.Name == policyName);
        return policy is null ? PolicyNotFound(policyName) : policy;
    }

    /// <summary>Live validation of unsaved text against the identity's ARN and the principal registry.</summary>
    public async Task<IReadOnlyList<PolicyDiagnostic>> ValidateAsync(string identityArn, string? text, CancellationToken ct = default)
    {
        var arn = IdentityArn.Parse(identityArn).GetValueOrThrow();
        var directory = await directoryLoader.LoadAsync(ct);
        return PolicyValidator.ValidateResourcePolicy(text, arn, directory).Diagnostics;
    }

    /// <summary>Adds a new policy; fails when the name is taken (SES v2 CreateEmailIdentityPolicy).</summary>
    public Task<Result<PolicySaved>> CreateAsync(Caller caller, string region, string identityName, string policyName, string? document, CancellationToken ct = default) =>
        SaveAsync(caller, region, identityName, null, policyName, document, ct);

    /// <summary>Replaces the text of an existing policy; fails when it does not exist (SES v2 UpdateEmailIdentityPolicy).</summary>
    public Task<Result<PolicySaved>> UpdateAsync(Caller caller, string region, string identityName, string policyName, string? document, CancellationToken ct = default) =>
        SaveAsync(caller, region, identityName, policyName, policyName, document, ct);

    /// <summary>
    /// Saves a policy: <paramref name="originalName"/> null creates <paramref name="policyName"/>; otherwise the policy
    /// <paramref name="originalName"/> gets the new name and text in one step (edit and rename).
    /// </summary>
    public async Task<Result<PolicySaved>> SaveAsync(Caller caller, string region, string identityName, string? originalName, string policyName,
        string? document, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        var name = PolicyName.Parse(policyName);
        if (!name.IsSuccess)
        {
            return name.Error with { Location = "Name" };
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var identity = await FindIdentityAsync(db, caller, region, identityName, ct);
        if (identity is null)
        {
            return IdentityNotFound(identityName, region);
        }

        var existing = await db.IdentityPolicies.Where(p => p.IdentityId == identity.Id).ToListAsync(ct);
        IdentityPolicyEntity? target = null;
        if (originalName is not null)
        {
            target = existing.FirstOrDefault(p => p.Name == originalName);
            if (target is null)
            {
                return PolicyNotFound(originalName);
            }
        }

        if (existing.Any(p => p.Name == policyName && !ReferenceEquals(p, target)))
        {
            return new Error("policy.already_exists", $"Policy {policyName} already exists", "Name");
        }

        if (target is null)
        {
            var room = PolicyLimits.CheckCanAddPolicy(identity.Name, existing.Count);
            if (!room.IsSuccess)
            {
                return room.Error;
            }
        }

        var arn = IdentityArn.Parse(identity.Arn).GetValueOrThrow();
        var directory = await directoryLoader.LoadAsync(ct);
        var validation = PolicyValidator.ValidateResourcePolicy(document, arn, directory);
        if (!validation.IsValid)
        {
            var first = validation.Errors.First();
            return new Error("policy.invalid", first.Code == PolicyDiagnosticCodes.Empty ? first.Message : $"Invalid policy: {first.Message} (line {first.Line}, column {first.Column})", "Document");
        }

        var now = time.GetUtcNow();
        var (beforeName, beforeDocument) = (target?.Name, target?.Document);
        if (target is null)
        {
            target = new IdentityPolicyEntity { Id = Guid.NewGuid(), IdentityId = identity.Id, Name = policyName, Document = document!, UpdatedBy = caller.UserName };
            db.IdentityPolicies.Add(target);
        }

        target.Name = policyName;
        target.Document = document!;
        target.UpdatedAt = now;
        target.UpdatedBy = caller.UserName;
        audit.Record(db, caller, new Audit.AuditChange(identity.AccountId, identity.Region,
            beforeName is not null && beforeName != policyName ? AuditKinds.PolicyRenamed : AuditKinds.PolicyPut, identity.Name,
            beforeName is null ? $"Created policy {policyName} on {identity.Name}."
                : beforeName != policyName ? $"Renamed policy {beforeName} of {identity.Name} to {policyName}."
                : $"Updated policy {policyName} on {identity.Name}.",
            beforeDocument, document));
        await db.SaveChangesAsync(ct);
        return new PolicySaved(View(target), validation.Warnings.ToList());
    }

    /// <summary>Renames a policy, keeping its text.</summary>
    public async Task<Result<PolicySaved>> RenameAsync(Caller caller, string region, string identityName, string policyName, string newName, CancellationToken ct = default)
    {
        var current = await GetAsync(caller, region, identityName, policyName, ct);
        return current.IsSuccess ? await SaveAsync(caller, region, identityName, policyName, newName, current.Value.Document, ct) : current.Error;
    }

    /// <summary>Deletes a policy; fails with SES v2's NotFound message when it does not exist.</summary>
    public async Task<Result> DeleteAsync(Caller caller, string region, string identityName, string policyName, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var identity = await FindIdentityAsync(db, caller, region, identityName, ct);
        if (identity is null)
        {
            return IdentityNotFound(identityName, region);
        }

        var policy = await db.IdentityPolicies.SingleOrDefaultAsync(p => p.IdentityId == identity.Id && p.Name == policyName, ct);
        if (policy is null)
        {
            return PolicyNotFound(policyName);
        }

        db.IdentityPolicies.Remove(policy);
        audit.Record(db, caller, new Audit.AuditChange(identity.AccountId, identity.Region, AuditKinds.PolicyDeleted, identity.Name,
            $"Deleted policy {policyName} from {identity.Name}.", policy.Document, null));
        await db.SaveChangesAsync(ct); // the policy and its audit entry together (docs/audit-log.md#same-transaction)
        cache.Invalidate(SendingData.Identities);
        return Result.Success();
    }

    private static Task<SendingIdentityEntity?> FindIdentityAsync(ConsoleDbContext db, Caller caller, string region, string name, CancellationToken ct) =>
        db.SendingIdentities.AsNoTracking()
            .Where(i => caller.AccountId != null && i.AccountId == caller.AccountId && i.Region == region && i.Name == name)
            .SingleOrDefaultAsync(ct);

    private static IdentityPolicyView View(IdentityPolicyEntity p) => new(p.Name, p.Document, p.UpdatedAt, p.UpdatedBy, PolicySummary.Of(p.Document));

    private static Error IdentityNotFound(string name, string region) =>
        new("identity.not_found", $"Identity {name} does not exist in {region} in your account.");

    private static Error PolicyNotFound(string name) => new("policy.not_found", $"Policy {name} does not exist");
}
