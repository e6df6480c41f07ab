using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Features.Policies;

/// <summary>What the simulator (and the delegate's "can I send this?") asks about.</summary>
public sealed class SimulationInput
{
    /// <summary>An account ID, an IAM user/role/assumed-role ARN, or a service name such as <c>cognito-idp.amazonaws.com</c>.</summary>
    public string Principal { get; set; } = "";

    public string Action { get; set; } = "ses:SendEmail";

    public string? FromAddress { get; set; }

    public string? FromDisplayName { get; set; }

    /// <summary>Recipients separated by commas, semicolons or new lines.</summary>
    public string? Recipients { get; set; }

    public string? FeedbackAddress { get; set; }

    public string? SourceIp { get; set; } = "203.0.113.10";

    /// <summary>When the send happens; null means now.</summary>
    public DateTimeOffset? Time { get; set; }

    public bool SecureTransport { get; set; } = true;

    public string? SourceAccount { get; set; }

    public string? SourceArn { get; set; }

    public IReadOnlyList<string> RecipientList() =>
        (Recipients ?? "").Split([',', ';', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>What kind of principal a registry entry is.</summary>
public enum KnownPrincipalKind
{
    Account,
    User,
    Role,
    Service,
}

/// <summary>A principal registered here: the value a policy names, a label, and (accounts) the organization.</summary>
public sealed record KnownPrincipal(string Value, string Label, KnownPrincipalKind Kind, string? OrganizationId);

/// <summary>One statement's fate in a simulation.</summary>
public sealed record SimulatedStatement(string PolicyName, string? Sid, int Index, PolicyEffect Effect, StatementOutcome Outcome, string Explanation, int Line, bool Deciding)
{
    /// <summary>Whether the statement names the simulated principal (what a delegate may be shown of another account's policy).</summary>
    public bool PrincipalMatched { get; init; }
}

/// <summary>The simulator's answer.</summary>
/// <param name="Summary">Which side decided and why (<see cref="SendAuthorizationResult.Describe"/>).</param>
/// <param name="DelegateSide">The caller-side (IAM identity-based policies) explanation, when the principal's side matters.</param>
public sealed record SimulationResult(Decision Decision, string Summary, IReadOnlyList<SimulatedStatement> Statements, string? DelegateSide, IReadOnlyList<string> DelegateStatements);

/// <summary>
/// Runs a send through the policy engine: the owner's side over the given (possibly unsaved) policy texts, and the
/// delegate's side over the principal's identity-based policies stored in IAM (cross-account rule of docs/ses-behaviour.md#evaluation).
/// </summary>
public sealed class PolicySimulator(IDbContextFactory<ConsoleDbContext> dbFactory, PrincipalDirectoryLoader directoryLoader, TimeProvider time)
{
    /// <summary>Simulates <paramref name="input"/> against <paramref name="policies"/> (name → text) on <paramref name="identityArn"/>.</summary>
    /// <param name="stored">
    /// The policies are the saved ones, evaluated as a send would: principals were checked when they were saved (one
    /// deleted since then neither invalidates the policy nor drops its Deny statements), and a failure names no policy,
    /// since the caller may be a delegate who must not learn the owner's policy text.
    /// </param>
    public async Task<Result<SimulationResult>> SimulateAsync(string identityArn, IReadOnlyList<(string Name, string Document)> policies, SimulationInput input, bool stored = false, CancellationToken ct = default)
    {
        var arn = IdentityArn.Parse(identityArn);
        if (!arn.IsSuccess)
        {
            return arn.Error;
        }

        IPrincipalDirectory directory = stored ? SavedPrincipals.Instance : await directoryLoader.LoadAsync(ct);
        var compiled = new List<CompiledPolicy>();
        foreach (var (name, document) in policies)
        {
            var validation = PolicyValidator.ValidateResourcePolicy(document, arn.Value, directory);
            var policy = PolicyCompiler.Compile(name, validation);
            if (!policy.IsSuccess)
            {
                var first = validation.Errors.FirstOrDefault();
                return stored
                    ? new Error("simulate.unavailable", "The owner's policies on this identity cannot be evaluated; sends as it are refused until the owner fixes them.")
                    : new Error("simulate.invalid_policy", $"Policy {name} has errors; fix them to simulate{(first is null ? "." : $": {first.Message} (line {first.Line})")}");
            }

            compiled.Add(policy.Value);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var principal = await ResolvePrincipalAsync(db, input.Principal, ct);
        if (!principal.IsSuccess)
        {
            return principal.Error;
        }

        var request = BuildRequest(principal.Value.Principal, arn.Value.Value, input);
        var ownerSet = new CompiledPolicySet(compiled);
        var callerSet = await CallerPoliciesAsync(db, principal.Value.IamPrincipal, ct);
        var both = SendAuthorizer.Authorize(request, ownerSet, callerSet);
        var explanation = PolicyEvaluator.Explain(request, ownerSet);
        var deciding = both.ResourceSide.Reasons.ToHashSet();
        var statements = explanation.Statements.Select(s =>
        {
            var source = compiled.First(c => c.Name == s.Statement.PolicyName).Document.Statements[s.Statement.Index];
            return new SimulatedStatement(s.Statement.PolicyName, s.Statement.Sid, s.Statement.Index, s.Effect, s.Outcome, s.Describe(), source.Location.Line,
                deciding.Contains(s.Statement)) { PrincipalMatched = s.PrincipalMatched };
        }).ToList();

        string? delegateSide = null;
        IReadOnlyList<string> delegateStatements = [];
        if (both.IdentitySide is not null && both.IsCrossAccount)
        {
            if (both.IdentitySideIsImplicit)
            {
                delegateSide = "The delegate is an account root: its own side always allows.";
            }
            else
            {
                delegateSide = $"The delegate's own IAM policies: {both.IdentitySide.Describe()}";
                delegateStatements = PolicyEvaluator.Explain(request, callerSet).Statements.Select(s => s.Describe()).ToList();
                if (callerSet.Policies.Count == 0)
                {
                    delegateSide += " (the principal has no identity-based policies)";
                }
            }
        }

        return new SimulationResult(both.Decision, both.Describe(), statements, delegateSide, delegateStatements);
    }

    /// <summary>Principals registered here (accounts, IAM users and roles, configured services), for pickers and the schema.</summary>
    public async Task<IReadOnlyList<KnownPrincipal>> KnownPrincipalsAsync(IEnumerable<string> services, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().Select(a => new { a.Id, a.DisplayName, a.OrganizationId }).ToListAsync(ct);
        var iam = await db.IamPrincipals.AsNoTracking().Select(p => new { p.AccountId, p.Type, p.Name }).ToListAsync(ct);
        var result = new List<KnownPrincipal>();
        result.AddRange(accounts.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => new KnownPrincipal(a.Id, $"Account {a.Id} ({a.DisplayName})", KnownPrincipalKind.Account, a.OrganizationId)));
        result.AddRange(iam.OrderBy(p => p.AccountId, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).Select(p =>
        {
            var kind = p.Type == IamPrincipalType.User ? "user" : "role";
            return new KnownPrincipal($"arn:aws:iam::{p.AccountId}:{kind}/{p.Name}", $"IAM {kind} {p.Name} ({p.AccountId})",
                p.Type == IamPrincipalType.User ? KnownPrincipalKind.User : KnownPrincipalKind.Role, null);
        }));
        result.AddRange(services.Order(StringComparer.Ordinal).Select(s => new KnownPrincipal(s, $"Service {s}", KnownPrincipalKind.Service, null)));
        return result;
    }

    internal AuthorizationRequest BuildRequest(RequestPrincipal principal, string identityArn, SimulationInput input) =>
        new(principal, input.Action, identityArn, new RequestContext
        {
            FromAddress = Blank(input.FromAddress),
            FromDisplayName = Blank(input.FromDisplayName),
            Recipients = input.RecipientList() is { Count: > 0 } r ? r : null,
            FeedbackAddress = Blank(input.FeedbackAddress),
            SourceIp = Blank(input.SourceIp),
            CurrentTime = input.Time ?? time.GetUtcNow(),
            SecureTransport = input.SecureTransport,
            SourceAccount = Blank(input.SourceAccount),
            SourceArn = Blank(input.SourceArn),
            ApiVersion = "2",
        });

    internal sealed record ResolvedPrincipal(RequestPrincipal Principal, IamPrincipalEntity? IamPrincipal);

    internal static async Task<Result<ResolvedPrincipal>> ResolvePrincipalAsync(ConsoleDbContext db, string? text, CancellationToken ct)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return new Error("simulate.principal_required", "Choose who sends: an account ID, an IAM user or role ARN, or a service.");
        }

        if (AccountId.Parse(text).TryGetValue(out var account))
        {
            return new ResolvedPrincipal(RequestPrincipal.ForAccount(account, await OrganizationAsync(db, account.Value, ct)), null);
        }

        if (PrincipalArn.Parse(text).TryGetValue(out var arn))
        {
            var org = await OrganizationAsync(db, arn.Account.Value, ct);
            IamPrincipalEntity? iam = null;
            if (arn.Kind is PrincipalKind.User or PrincipalKind.Role or PrincipalKind.AssumedRole)
            {
                var type = arn.Kind == PrincipalKind.User ? IamPrincipalType.User : IamPrincipalType.Role;
                iam = await db.IamPrincipals.AsNoTracking().Include(p => p.Policies)
                    .FirstOrDefaultAsync(p => p.AccountId == arn.Account.Value && p.Type == type && p.Name == arn.Name, ct);
            }

            return new ResolvedPrincipal(RequestPrincipal.ForArn(arn, org), iam);
        }

        if (text.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase))
        {
            return new ResolvedPrincipal(RequestPrincipal.ForService(text), null);
        }

        return new Error("simulate.principal_invalid", $"'{text}' is not an account ID, an IAM ARN or a service name (…amazonaws.com).");
    }

    internal static CompiledPolicySet CompileIdentityPolicies(IEnumerable<IamPolicyEntity> policies) =>
        new(policies.Select(p => PolicyCompiler.Compile(p.Name, PolicyValidator.ValidateIdentityPolicy(p.Document)))
            .Where(r => r.IsSuccess).Select(r => r.Value!));

    private static Task<CompiledPolicySet> CallerPoliciesAsync(ConsoleDbContext db, IamPrincipalEntity? principal, CancellationToken ct) =>
        Task.FromResult(principal is null ? CompiledPolicySet.Empty : CompileIdentityPolicies(principal.Policies));

    private static async Task<OrganizationId?> OrganizationAsync(ConsoleDbContext db, string account, CancellationToken ct)
    {
        var org = await db.Accounts.AsNoTracking().Where(a => a.Id == account).Select(a => a.OrganizationId).FirstOrDefaultAsync(ct);
        return OrganizationId.Parse(org).TryGetValue(out var o) ? o : null;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
