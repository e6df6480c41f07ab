using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Sending.Stores;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Features.Sts;

/// <summary>The parameters of an AssumeRole request, as they arrived (null = not given).</summary>
public sealed record AssumeRoleInput(string? RoleArn, string? RoleSessionName, string? DurationSeconds, string? ExternalId);

/// <summary>The result of AssumeRole: the credentials and the session's identity.</summary>
public sealed record AssumedRole(TemporaryCredentials Credentials, string AssumedRoleId, string Arn);

/// <summary>The result of GetCallerIdentity.</summary>
public sealed record CallerIdentity(string UserId, string Account, string Arn);

/// <summary>Where an STS request came from, for the <c>aws:</c> condition keys of the trust policy.</summary>
public sealed record StsRequestOrigin(string? SourceIp, string? UserAgent, bool SecureTransport);

/// <summary>
/// The STS operations (docs/sts.md): AssumeRole checks the role's trust policy and, where IAM requires it, the caller's
/// identity-based policies, then issues self-contained session credentials; GetSessionToken issues credentials that act
/// as the caller itself; GetCallerIdentity says who signed. Errors carry STS's codes and messages.
/// </summary>
public sealed class StsService(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    StsSessionTokens tokens,
    DbCallerPolicyStore callerPolicies,
    SendingReadCache cache,
    TimeProvider time,
    ILogger<StsService> logger)
{
    /// <summary>IAM: a session assumed with role-session credentials (role chaining) lasts at most one hour.</summary>
    public const int RoleChainingMaxSeconds = 3600;

    public async Task<Result<AssumedRole>> AssumeRoleAsync(AccessKeyOwner caller, AssumeRoleInput input, StsRequestOrigin origin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(origin);
        if (input.RoleArn is null)
        {
            return NotNull("roleArn");
        }

        if (input.RoleSessionName is null)
        {
            return NotNull("roleSessionName");
        }

        if (input.RoleArn.Length is < 20 or > 2048)
        {
            return Validation($"1 validation error detected: Value '{input.RoleArn}' at 'roleArn' failed to satisfy constraint: Member must have length "
                + (input.RoleArn.Length < 20 ? "greater than or equal to 20" : "less than or equal to 2048"));
        }

        if (!PrincipalArn.Parse(input.RoleArn).TryGetValue(out var roleArn) || roleArn.Kind != PrincipalKind.Role || roleArn.Value != input.RoleArn)
        {
            return Validation($"{input.RoleArn} is invalid: RoleArn must be the ARN of an IAM role, arn:aws:iam::ACCOUNT:role/NAME.");
        }

        if (!RoleSessionName.Parse(input.RoleSessionName).TryGetValue(out var sessionName))
        {
            return RoleSessionName.Parse(input.RoleSessionName).Error!;
        }

        var staticDuration = SessionDuration.ForAssumeRole(input.DurationSeconds, SessionDuration.MaxSeconds);
        if (!staticDuration.IsSuccess)
        {
            return staticDuration.Error;
        }

        if (input.ExternalId is { } externalId && !IsValidExternalId(externalId))
        {
            return Validation($"1 validation error detected: Value '{externalId}' at 'externalId' failed to satisfy constraint: "
                + @"Member must have length between 2 and 1224 and satisfy regular expression pattern: [\w+=,.@:\/-]*");
        }

        var callerArn = PrincipalArn.Parse(caller.PrincipalArn).GetValueOrThrow();
        var denied = Result<AssumedRole>.Failure("AccessDenied",
            $"User: {caller.PrincipalArn} is not authorized to perform: {AssumeRoleAuthorizer.Action} on resource: {roleArn.Value}");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var role = await db.IamPrincipals.AsNoTracking()
            .SingleOrDefaultAsync(p => p.AccountId == roleArn.Account.Value && p.Type == IamPrincipalType.Role && p.Name == roleArn.Name, ct);
        if (role is null)
        {
            // As STS: a role that does not exist is indistinguishable from one the caller may not assume.
            logger.LogInformation("AssumeRole of {Role} by {Caller} denied: no such role.", roleArn.Value, caller.PrincipalArn);
            return denied;
        }

        var trust = TrustPolicySet(role);
        var organization = await OrganizationAsync(caller.AccountId, ct);
        var principal = RequestPrincipal.ForArn(callerArn, organization);
        var request = new AuthorizationRequest(principal, AssumeRoleAuthorizer.Action, roleArn.Value, new RequestContext
        {
            CurrentTime = time.GetUtcNow(),
            SourceIp = origin.SourceIp,
            UserAgent = origin.UserAgent,
            SecureTransport = origin.SecureTransport,
            ExternalId = input.ExternalId,
            RoleSessionName = sessionName.Value,
        });
        var own = principal.Kind == PrincipalKind.AccountRoot ? CompiledPolicySet.Empty : await callerPolicies.GetIdentityPoliciesAsync(principal, ct);
        var decision = AssumeRoleAuthorizer.Authorize(request, trust, own);
        if (!decision.IsAllowed)
        {
            logger.LogInformation("AssumeRole of {Role} by {Caller} denied: {Reason}", roleArn.Value, caller.PrincipalArn, decision.Describe());
            return denied;
        }

        var duration = SessionDuration.ForAssumeRole(input.DurationSeconds, role.MaxSessionDurationSeconds);
        if (!duration.IsSuccess)
        {
            return duration.Error;
        }

        if (callerArn.Kind == PrincipalKind.AssumedRole && duration.Value > TimeSpan.FromSeconds(RoleChainingMaxSeconds))
        {
            return Validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }

        var sessionArn = PrincipalArn.ForAssumedRole(roleArn.Account, IamName.Parse(role.Name, "role").GetValueOrThrow(), sessionName);
        var expiration = time.GetUtcNow() + duration.Value;
        var credentials = tokens.Issue(SessionKind.AssumedRole, role.AccountId, sessionArn.Value, role.Id, role.Name, expiration, caller.PrincipalArn);
        return new AssumedRole(credentials, $"{UniqueId("AROA", role.Id)}:{sessionName.Value}", sessionArn.Value);
    }

    /// <summary>
    /// GetSessionToken: credentials that act as the caller itself, 900 s to 129,600 s (43,200 s by default; an account
    /// root at most 3,600 s). Session credentials cannot ask for another session token.
    /// </summary>
    public async Task<Result<TemporaryCredentials>> GetSessionTokenAsync(AccessKeyOwner caller, string? durationSeconds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsTemporary)
        {
            return Result<TemporaryCredentials>.Failure("AccessDenied", "Cannot call GetSessionToken with session credentials");
        }

        var isRoot = caller.PrincipalId is null;
        var max = isRoot ? 3600 : 129600;
        var seconds = isRoot ? 3600 : 43200;
        if (!string.IsNullOrEmpty(durationSeconds))
        {
            if (!int.TryParse(durationSeconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seconds)
                || seconds < SessionDuration.MinSeconds || seconds > 129600)
            {
                return Result<TemporaryCredentials>.Failure("ValidationError",
                    $"1 validation error detected: Value '{durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600");
            }

            seconds = Math.Min(seconds, max);
        }

        string? name = null;
        if (caller.PrincipalId is { } id)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            name = await db.IamPrincipals.AsNoTracking().Where(p => p.Id == id).Select(p => p.Name).SingleAsync(ct);
        }

        return tokens.Issue(SessionKind.Session, caller.AccountId, caller.PrincipalArn, caller.PrincipalId, name, time.GetUtcNow().AddSeconds(seconds), caller.PrincipalArn);
    }

    /// <summary>GetCallerIdentity: who signed the request. It needs no permission.</summary>
    public static CallerIdentity GetCallerIdentity(AccessKeyOwner caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var arn = PrincipalArn.Parse(caller.PrincipalArn).GetValueOrThrow();
        var userId = arn.Kind switch
        {
            PrincipalKind.AccountRoot => caller.AccountId,
            PrincipalKind.AssumedRole => $"{UniqueId("AROA", caller.PrincipalId ?? Guid.Empty)}:{arn.Session}",
            _ => UniqueId("AIDA", caller.PrincipalId ?? Guid.Empty),
        };
        return new CallerIdentity(userId, caller.AccountId, caller.PrincipalArn);
    }

    /// <summary>
    /// IAM's unique ID of a user (<c>AIDA…</c>) or role (<c>AROA…</c>): the prefix and 17 characters derived from the
    /// principal's own ID, so it is stable and differs for a principal deleted and created again under the same name.
    /// </summary>
    public static string UniqueId(string prefix, Guid id)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = id.ToByteArray();
        var chars = new char[17];
        var bits = 0;
        var value = 0;
        var n = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
            bits += 8;
            while (bits >= 5 && n < chars.Length)
            {
                chars[n++] = alphabet[(value >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        return prefix + new string(chars, 0, n);
    }

    /// <summary>The role's compiled trust policy; empty (nobody may assume the role) when it has none.</summary>
    private static CompiledPolicySet TrustPolicySet(IamPrincipalEntity role)
    {
        if (string.IsNullOrWhiteSpace(role.TrustPolicy))
        {
            return CompiledPolicySet.Empty;
        }

        // Principals were checked when the policy was saved; one deleted since then simply matches nobody.
        var validated = PolicyValidator.ValidateTrustPolicy(role.TrustPolicy, SavedPrincipals.Instance);
        return PolicyCompiler.Compile("trust", validated).TryGetValue(out var compiled) ? new CompiledPolicySet([compiled]) : CompiledPolicySet.Empty;
    }

    private async Task<OrganizationId?> OrganizationAsync(string accountId, CancellationToken ct)
    {
        var account = await AccountSettings.GetAsync(cache, dbFactory, accountId, ct);
        return account?.OrganizationId is { } org && OrganizationId.Parse(org).TryGetValue(out var parsed) ? parsed : null;
    }

    private static bool IsValidExternalId(string value) =>
        value.Length is >= 2 and <= 1224 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or ':' or '/' or '-');

    private static Error Validation(string message) => new("ValidationError", message);

    private static Error NotNull(string member) =>
        new("ValidationError", $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");
}
