using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Features.Iam;

/// <summary>
/// IAM users and roles of the caller's account and their inline identity-based policies. Only the account root manages
/// them; every query is scoped to the caller's account, so another account's users are never found, whatever name is asked for.
/// </summary>
public sealed class IamService(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    UserManager<ConsoleUser> userManager,
    SendingReadCache cache,
    PrincipalDirectoryLoader directoryLoader,
    TimeProvider time,
    Audit.AuditTrail audit,
    ConsoleDbContext identityDb)
{
    internal static readonly Error RootOnly = new("auth.root_only", "Only the account's root user can manage IAM users and roles.");

    public async Task<Result<IReadOnlyList<IamPrincipalRow>>> ListAsync(Caller caller, IamPrincipalType type, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.IamPrincipals.AsNoTracking()
            .Where(p => p.AccountId == caller.AccountId && p.Type == type)
            .OrderBy(p => p.Name)
            .Select(p => new
            {
                p.Name, p.AccountId, p.Type, p.Description, p.CreatedAt,
                Policies = p.Policies.Count,
                Keys = db.AccessKeys.Count(k => k.PrincipalId == p.Id),
                Console = db.Users.Any(u => u.IamPrincipalId == p.Id),
            })
            .ToListAsync(ct);
        IReadOnlyList<IamPrincipalRow> result = rows
            .Select(r => new IamPrincipalRow(r.Name, ArnOf(r.AccountId, r.Type, r.Name), r.Type, r.Description, r.Policies, r.Keys, r.Console, r.CreatedAt))
            .ToList();
        return Result<IReadOnlyList<IamPrincipalRow>>.Success(result);
    }

    public async Task<Result<IamPrincipalDetails>> GetAsync(Caller caller, IamPrincipalType type, string name, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p = await db.IamPrincipals.AsNoTracking().Include(x => x.Policies)
            .SingleOrDefaultAsync(x => x.AccountId == caller.AccountId && x.Type == type && x.Name == name, ct);
        if (p is null)
        {
            return NotFound(type, name);
        }

        var keys = await db.AccessKeys.AsNoTracking().Where(k => k.PrincipalId == p.Id).ToListAsync(ct);
        var consoleUser = await db.Users.AsNoTracking().Where(u => u.IamPrincipalId == p.Id).Select(u => u.UserName).FirstOrDefaultAsync(ct);
        var row = new IamPrincipalRow(p.Name, p.Arn, p.Type, p.Description, p.Policies.Count, keys.Count, consoleUser is not null, p.CreatedAt);
        return new IamPrincipalDetails(
            row,
            p.Policies.OrderBy(x => x.Name, StringComparer.Ordinal).Select(x => new IamPolicyView(x.Name, x.Document, x.UpdatedAt, x.UpdatedBy)).ToList(),
            keys.OrderBy(k => k.CreatedAt).Select(k => new AccessKeyView(k.Id, k.Status, k.CreatedAt, k.LastUsedAt)).ToList(),
            consoleUser)
        {
            TrustPolicy = p.TrustPolicy,
            MaxSessionDurationSeconds = p.MaxSessionDurationSeconds,
        };
    }

    public async Task<Result<IamPrincipalRow>> CreateAsync(Caller caller, IamPrincipalType type, string name, string? description, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        var what = type == IamPrincipalType.User ? "user" : "role";
        var parsed = IamName.Parse(name, what);
        if (!parsed.IsSuccess)
        {
            return parsed.Error with { Location = "Name" };
        }

        if (description?.Length > 1000)
        {
            return new Error("principal.description_too_long", "The description can be at most 1,000 characters.", "Description");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = parsed.Value.Normalized;
        var clash = await db.IamPrincipals.AsNoTracking()
            .Where(p => p.AccountId == caller.AccountId && p.Type == type && p.NormalizedName == normalized)
            .Select(p => p.Name).FirstOrDefaultAsync(ct);
        if (clash is not null)
        {
            return new Error("principal.exists", clash == name
                ? $"An IAM {what} named '{name}' already exists in this account."
                : $"An IAM {what} named '{clash}' already exists; IAM names may not differ only by case.", "Name");
        }

        var entity = new IamPrincipalEntity
        {
            Id = Guid.NewGuid(),
            AccountId = caller.AccountId!,
            Type = type,
            Name = parsed.Value.Value,
            NormalizedName = normalized,
            Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            CreatedAt = time.GetUtcNow(),
        };
        db.IamPrincipals.Add(entity);
        Audited(db, caller, type == IamPrincipalType.User ? AuditKinds.IamUserCreated : AuditKinds.IamRoleCreated, entity.Arn,
            $"Created IAM {what} {entity.Name}.", null, Audit.AuditTrail.Json(new { entity.Name, Type = what, entity.Description }));
        await db.SaveChangesAsync(ct);
        return new IamPrincipalRow(entity.Name, entity.Arn, type, entity.Description, 0, 0, false, entity.CreatedAt);
    }

    public async Task<Result> DeleteAsync(Caller caller, IamPrincipalType type, string name, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p = await db.IamPrincipals.SingleOrDefaultAsync(x => x.AccountId == caller.AccountId && x.Type == type && x.Name == name, ct);
        if (p is null)
        {
            return NotFound(type, name);
        }

        // Keys, policies and the console sign-in go with the principal (cascade).
        db.IamPrincipals.Remove(p);
        Audited(db, caller, type == IamPrincipalType.User ? AuditKinds.IamUserDeleted : AuditKinds.IamRoleDeleted, p.Arn,
            $"Deleted IAM {Describe(type)} {p.Name} with its policies, access keys and console sign-in.",
            Audit.AuditTrail.Json(new { p.Name, Type = Describe(type), p.Description }), null);
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>Creates or replaces an inline policy. <paramref name="previousName"/> renames an existing policy.</summary>
    public async Task<Result> PutPolicyAsync(Caller caller, IamPrincipalType type, string name, string policyName, string document,
        string? previousName = null, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        var nameCheck = CheckPolicyName(policyName);
        if (!nameCheck.IsSuccess)
        {
            return nameCheck;
        }

        var textCheck = CheckPolicy(document);
        if (!textCheck.IsSuccess)
        {
            return textCheck;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p = await db.IamPrincipals.Include(x => x.Policies)
            .SingleOrDefaultAsync(x => x.AccountId == caller.AccountId && x.Type == type && x.Name == name, ct);
        if (p is null)
        {
            return NotFound(type, name);
        }

        var existing = p.Policies.SingleOrDefault(x => x.Name == (previousName ?? policyName));
        if (previousName is not null && existing is null)
        {
            return Result.Failure("policy.not_found", $"Policy '{previousName}' no longer exists; reload the page.");
        }

        if (p.Policies.Any(x => x.Name == policyName && x != existing))
        {
            return Result.Failure("policy.exists", $"This {Describe(type)} already has a policy named '{policyName}'.", "Name");
        }

        var (beforeName, beforeDocument) = (existing?.Name, existing?.Document);
        if (existing is null)
        {
            existing = new IamPolicyEntity { Id = Guid.NewGuid(), PrincipalId = p.Id, Name = policyName, Document = document, UpdatedBy = caller.UserName };
            db.IamPolicies.Add(existing);
        }

        existing.Name = policyName;
        existing.Document = document;
        existing.UpdatedAt = time.GetUtcNow();
        existing.UpdatedBy = caller.UserName;
        Audited(db, caller, AuditKinds.IamPolicyPut, p.Arn,
            beforeName is null ? $"Attached policy {policyName} to {p.Name}."
                : beforeName != policyName ? $"Renamed policy {beforeName} of {p.Name} to {policyName}." : $"Updated policy {policyName} of {p.Name}.",
            beforeDocument, document);
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    public async Task<Result> DeletePolicyAsync(Caller caller, IamPrincipalType type, string name, string policyName, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var principal = await db.IamPrincipals.AsNoTracking().SingleOrDefaultAsync(p => p.AccountId == caller.AccountId && p.Type == type && p.Name == name, ct);
        var policy = principal is null ? null : await db.IamPolicies.SingleOrDefaultAsync(x => x.PrincipalId == principal.Id && x.Name == policyName, ct);
        if (policy is null)
        {
            return Result.Failure("policy.not_found", $"Policy '{policyName}' does not exist.");
        }

        db.IamPolicies.Remove(policy);
        Audited(db, caller, AuditKinds.IamPolicyDeleted, principal!.Arn, $"Deleted policy {policyName} of {principal.Name}.", policy.Document, null);
        await db.SaveChangesAsync(ct); // the policy and its audit entry together (docs/audit-log.md#same-transaction)
        cache.Invalidate(SendingData.Iam);
        return Result.Success();
    }

    /// <summary>
    /// Sets a role's trust policy: who may assume it with STS AssumeRole (docs/sts.md). The policy must validate (named
    /// principals must exist); the first error is returned with its line and column, and nothing is saved.
    /// </summary>
    public async Task<Result> PutTrustPolicyAsync(Caller caller, string roleName, string document, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        var check = CheckTrustPolicy(document, await directoryLoader.LoadAsync(ct));
        if (!check.IsSuccess)
        {
            return check;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var role = await db.IamPrincipals.SingleOrDefaultAsync(x => x.AccountId == caller.AccountId && x.Type == IamPrincipalType.Role && x.Name == roleName, ct);
        if (role is null)
        {
            return NotFound(IamPrincipalType.Role, roleName);
        }

        Audited(db, caller, AuditKinds.IamRoleTrust, role.Arn, $"Set the trust policy of role {role.Name}.", role.TrustPolicy, document);
        role.TrustPolicy = document;
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>Sets how long a session of the role may last at most (the limit of STS AssumeRole's DurationSeconds).</summary>
    public async Task<Result> SetMaxSessionDurationAsync(Caller caller, string roleName, int seconds, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        if (!SessionDuration.IsValidRoleMaximum(seconds))
        {
            return Result.Failure("role.invalid_max_session_duration",
                "The maximum session duration is 3,600 to 43,200 seconds (1 to 12 hours).", "MaxSessionDuration");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var role = await db.IamPrincipals.SingleOrDefaultAsync(x => x.AccountId == caller.AccountId && x.Type == IamPrincipalType.Role && x.Name == roleName, ct);
        if (role is null)
        {
            return NotFound(IamPrincipalType.Role, roleName);
        }

        Audited(db, caller, AuditKinds.IamRoleUpdated, role.Arn, $"Set the maximum session duration of role {role.Name} to {seconds} seconds.",
            Audit.AuditTrail.Json(new { MaxSessionDuration = role.MaxSessionDurationSeconds }), Audit.AuditTrail.Json(new { MaxSessionDuration = seconds }));
        role.MaxSessionDurationSeconds = seconds;
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>Gives an IAM user a console sign-in (<c>ACCOUNT/NAME</c>) with a generated password, shown once.</summary>
    public async Task<Result<(string UserName, string Password)>> EnableConsoleAccessAsync(Caller caller, string name, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p = await db.IamPrincipals.AsNoTracking()
            .SingleOrDefaultAsync(x => x.AccountId == caller.AccountId && x.Type == IamPrincipalType.User && x.Name == name, ct);
        if (p is null)
        {
            return NotFound(IamPrincipalType.User, name);
        }

        if (await db.Users.AnyAsync(u => u.IamPrincipalId == p.Id, ct))
        {
            return new Error("principal.console_exists", $"IAM user '{name}' can already sign in to the console.");
        }

        var userName = $"{p.AccountId}/{p.Name}";
        var password = AccountsService.GeneratePassword();
        // The Identity store saves through the scope's context: the audit entry rides on that save (never the password).
        var entry = Audited(identityDb, caller, AuditKinds.IamConsoleAccess, p.Arn, $"Gave IAM user {p.Name} a console sign-in ({userName}).", null,
            Audit.AuditTrail.Json(new { ConsoleUserName = userName }));
        var created = await userManager.CreateAsync(new ConsoleUser { UserName = userName, AccountId = p.AccountId, IamPrincipalId = p.Id }, password);
        if (!created.Succeeded)
        {
            identityDb.Entry(entry).State = EntityState.Detached;
        }

        return created.Succeeded
            ? (userName, password)
            : new Error("principal.console_failed", string.Join(" ", created.Errors.Select(e => e.Description)));
    }

    /// <summary>Every diagnostic of an identity-based policy (errors block saving; warnings are shown).</summary>
    public static IReadOnlyList<PolicyDiagnostic> Diagnose(string? document) => PolicyValidator.ValidateIdentityPolicy(document).Diagnostics;

    /// <summary>The first error of an identity-based policy as an <see cref="Error"/> located at its line and column.</summary>
    internal static Result CheckPolicy(string? document) => FirstError(PolicyValidator.ValidateIdentityPolicy(document));

    /// <summary>The first error of a role's trust policy as an <see cref="Error"/> located at its line and column.</summary>
    internal static Result CheckTrustPolicy(string? document, IPrincipalDirectory directory) => FirstError(PolicyValidator.ValidateTrustPolicy(document, directory));

    /// <summary>A trust policy to start from: the role's own account may assume it (its users then also need an identity policy).</summary>
    public static string TrustPolicyTemplate(string accountId) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "TrustThisAccount",
              "Effect": "Allow",
              "Principal": { "AWS": "arn:aws:iam::{{accountId}}:root" },
              "Action": "sts:AssumeRole"
            }
          ]
        }
        """;

    private static Result FirstError(PolicyValidationResult validation)
    {
        var errors = validation.Errors.ToList();
        if (errors.Count == 0)
        {
            return Result.Success();
        }

        var first = errors[0];
        var more = errors.Count > 1 ? $" ({errors.Count - 1} more error{(errors.Count > 2 ? "s" : "")})" : "";
        return Result.Failure(first.Code, $"Line {first.Location.Line}, column {first.Location.Column}: {first.Message}{more}",
            $"line {first.Location.Line}, column {first.Location.Column}");
    }

    /// <summary>IAM policy names: 1–128 of letters, digits and <c>+=,.@_-</c>.</summary>
    internal static Result CheckPolicyName(string? policyName)
    {
        if (string.IsNullOrEmpty(policyName) || policyName.Length > 128
            || !policyName.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '=' or ',' or '.' or '@' or '_' or '-'))
        {
            return Result.Failure("policy.invalid_name",
                "A policy name is 1 to 128 characters: letters, digits and + = , . @ _ - only.", "Name");
        }

        return Result.Success();
    }

    /// <summary>Adds the audit entry of an IAM change to the context that saves it (docs/audit-log.md#same-transaction).</summary>
    private AuditEntryEntity Audited(ConsoleDbContext db, Caller caller, string kind, string arn, string summary, string? before, string? after) =>
        audit.Record(db, caller, new Audit.AuditChange(caller.AccountId!, null, kind, arn, summary, before, after));

    internal static string ArnOf(string accountId, IamPrincipalType type, string name) =>
        $"arn:aws:iam::{accountId}:{(type == IamPrincipalType.User ? "user" : "role")}/{name}";

    private static string Describe(IamPrincipalType type) => type == IamPrincipalType.User ? "user" : "role";

    private static Error NotFound(IamPrincipalType type, string name) =>
        new("principal.not_found", $"There is no IAM {Describe(type)} named '{name}' in your account.");
}
