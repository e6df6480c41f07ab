using SesConsole.Domain.Identities;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Policies;

/// <summary>What kind of principal a delegate is.</summary>
public enum DelegateKind
{
    /// <summary>An account (its ID or its root ARN): its root, and its IAM users and roles.</summary>
    Account,
    User,
    Role,

    /// <summary>Sessions of a role (an <c>assumed-role</c> ARN).</summary>
    AssumedRole,
    Service,

    /// <summary><c>"Principal": "*"</c>: everyone, services included.</summary>
    Everyone,

    /// <summary><c>{"AWS": "*"}</c>: every IAM principal (not services).</summary>
    EveryAwsPrincipal,
}

/// <summary>
/// Whether the delegate's own IAM side must also allow a send (docs/delegates.md#iam-side): across accounts both sides
/// must allow (an account root's own side always does); in the identity owner's account, and for services, this
/// identity's policies are enough.
/// </summary>
public enum DelegateIamSide
{
    /// <summary>This identity's policies are enough (a service, or a principal of the owner's own account).</summary>
    NotNeeded,

    /// <summary>Another account: its root needs nothing more; its IAM users and roles need their own policies to allow it.</summary>
    UsersAndRolesOfThatAccount,

    /// <summary>An IAM user or role (or role session) of another account: its own IAM policies must allow it too.</summary>
    Required,

    /// <summary>Everyone: other accounts' IAM users and roles need their own policies too; roots, services and the owner's own principals do not.</summary>
    OtherAccountsUsersAndRoles,
}

/// <summary>Which kind of restriction a condition is, as the Delegates tab groups them.</summary>
public enum DelegateRestrictionKind
{
    FromAddress,
    Recipients,
    ReturnPath,
    Time,
    SourceIp,
    Other,
}

/// <summary>One condition of a grant, with the kind of restriction it is.</summary>
public sealed record DelegateRestriction(DelegateRestrictionKind Kind, PolicyCondition Condition)
{
    public static DelegateRestrictionKind KindOf(string key) => key switch
    {
        "ses:FromAddress" => DelegateRestrictionKind.FromAddress,
        "ses:Recipients" => DelegateRestrictionKind.Recipients,
        "ses:FeedbackAddress" => DelegateRestrictionKind.ReturnPath,
        "aws:CurrentTime" or "aws:EpochTime" => DelegateRestrictionKind.Time,
        "aws:SourceIp" => DelegateRestrictionKind.SourceIp,
        _ => DelegateRestrictionKind.Other,
    };
}

/// <summary>One statement that names the delegate (as written, or through <c>*</c> / its account for a Deny).</summary>
/// <param name="PolicyName">The policy holding it.</param>
/// <param name="Sid">Its Sid, or null.</param>
/// <param name="Index">Its position in the policy (0-based).</param>
/// <param name="Effect">Allow or Deny.</param>
/// <param name="Actions">Its actions as written.</param>
/// <param name="Restrictions">Its conditions (all must hold).</param>
/// <param name="OtherPrincipals">How many other principals it names besides the delegate.</param>
/// <param name="NamesDelegate">Whether it names the delegate itself (a Deny may apply through <c>*</c> or the account instead).</param>
public sealed record DelegateStatement(
    string PolicyName, string? Sid, int Index, PolicyEffect Effect, IReadOnlyList<string> Actions, IReadOnlyList<DelegateRestriction> Restrictions,
    int OtherPrincipals, bool NamesDelegate)
{
    /// <summary>"policy delegates, statement Delegate-111122223333" (or "statement 2" without a Sid).</summary>
    public string Where => $"policy {PolicyName}, statement {(string.IsNullOrEmpty(Sid) ? (Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : Sid)}";
}

/// <summary>
/// A delegate of an identity: a principal that the identity's saved policies name in an Allow statement (or only in a
/// Deny), with what it may do and under which conditions (docs/delegates.md#reading).
/// </summary>
/// <param name="Principal">The principal as first written (account ID, ARN, service name or <c>*</c>).</param>
/// <param name="Key">What identifies it: an account root ARN is keyed by its account ID, a service by its lower-case name.</param>
/// <param name="Kind">What kind of principal it is.</param>
/// <param name="AccountId">The account it belongs to, or null (services, everyone).</param>
/// <param name="IamSide">Whether its own IAM policies must allow the send too.</param>
/// <param name="Allows">The Allow statements naming it.</param>
/// <param name="Denies">The Deny statements that reach it (naming it, its account, or everyone).</param>
public sealed record DelegateGrant(
    string Principal, string Key, DelegateKind Kind, string? AccountId, DelegateIamSide IamSide,
    IReadOnlyList<DelegateStatement> Allows, IReadOnlyList<DelegateStatement> Denies)
{
    /// <summary>The send actions any of its Allow statements grants, as written, without repeats.</summary>
    public IReadOnlyList<string> Actions => [.. Allows.SelectMany(a => a.Actions).Distinct(StringComparer.Ordinal)];

    /// <summary>Whether it can send at all through these policies (some Allow names it).</summary>
    public bool IsAllowed => Allows.Count > 0;
}

/// <summary>
/// Reads who may send as an identity from its saved policies (docs/delegates.md#reading). Pure: the policies' text in,
/// one <see cref="DelegateGrant"/> per principal out, ordered as first named.
/// </summary>
public static class DelegateGrants
{
    /// <summary>The key of <c>{"AWS": "*"}</c> (every IAM principal); a bare <c>"Principal": "*"</c> is keyed <c>*</c>.</summary>
    public const string EveryAwsPrincipalKey = "AWS:*";

    /// <summary>
    /// The key a principal value is known by: an account's ID for its ID or root ARN, a service's lower-case name,
    /// <see cref="EveryAwsPrincipalKey"/> for an AWS <c>*</c>, otherwise the value.
    /// </summary>
    public static string KeyOf(string principal, bool service = false)
    {
        var value = principal.Trim();
        if (service)
        {
            return value.ToLowerInvariant();
        }

        if (value == "*")
        {
            return EveryAwsPrincipalKey;
        }

        return PrincipalArn.Parse(value).TryGetValue(out var arn) && arn.Kind == PrincipalKind.AccountRoot ? arn.Account.Value : value;
    }

    /// <summary>Every delegate named by <paramref name="policies"/> (name and text), for <paramref name="identity"/>; policies that do not parse are skipped.</summary>
    public static IReadOnlyList<DelegateGrant> Read(IEnumerable<(string Name, string Document)> policies, IdentityArn identity)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var owner = identity.Account;
        var order = new List<string>();
        var first = new Dictionary<string, (string Value, bool Service)>(StringComparer.Ordinal);
        var statements = new List<(string Policy, PolicyStatement Statement, List<(string Key, string Value, bool Service)> Principals)>();
        foreach (var (name, document) in policies)
        {
            var parsed = PolicyParser.Parse(document).Document;
            foreach (var statement in parsed?.Statements ?? [])
            {
                if (statement.ParsedEffect is null || statement.Principal is null)
                {
                    continue;
                }

                var principals = Principals(statement.Principal);
                statements.Add((name, statement, principals));
                foreach (var (key, value, service) in principals)
                {
                    if (first.TryAdd(key, (value, service)))
                    {
                        order.Add(key);
                    }
                }
            }
        }

        var result = new List<DelegateGrant>();
        foreach (var key in order)
        {
            var (value, service) = first[key];
            var (kind, account) = key == "*" ? (DelegateKind.Everyone, null) : Classify(value, service);
            var allows = new List<DelegateStatement>();
            var denies = new List<DelegateStatement>();
            foreach (var (policy, statement, principals) in statements)
            {
                var names = principals.Any(p => p.Key == key);
                var applies = names || (statement.ParsedEffect == PolicyEffect.Deny && DenyReaches(principals, kind, account));
                if (!applies || (statement.ParsedEffect == PolicyEffect.Allow && !names))
                {
                    continue;
                }

                var entry = new DelegateStatement(policy, statement.Sid?.Value, statement.Index, statement.ParsedEffect!.Value,
                    [.. statement.Actions.Select(a => a.Value)],
                    [.. statement.Conditions.Select(c => new DelegateRestriction(DelegateRestriction.KindOf(c.Key.Value), c))],
                    principals.Count(p => p.Key != key), names);
                (statement.ParsedEffect == PolicyEffect.Allow ? allows : denies).Add(entry);
            }

            result.Add(new DelegateGrant(value, key, kind, account, IamSideOf(kind, account, owner.Value), allows, denies));
        }

        return result;
    }

    /// <summary>The principals a statement names, keyed (see <see cref="KeyOf"/>).</summary>
    internal static List<(string Key, string Value, bool Service)> Principals(PolicyPrincipal principal)
    {
        if (principal.IsEveryone)
        {
            return [("*", "*", false)];
        }

        return [.. principal.Aws.Select(a => (KeyOf(a.Value), a.Value.Trim(), false)).Concat(principal.Services.Select(s => (KeyOf(s.Value, service: true), s.Value.Trim(), true)))];
    }

    // A Deny reaches a delegate it does not name through "*" (everyone), {"AWS": "*"} (every IAM principal, not services)
    // or, for an IAM user or role, its account.
    private static bool DenyReaches(List<(string Key, string Value, bool Service)> principals, DelegateKind kind, string? account) =>
        principals.Any(p => p.Key == "*" || (p.Key == EveryAwsPrincipalKey && kind != DelegateKind.Service)
            || (account is not null && kind is DelegateKind.User or DelegateKind.Role or DelegateKind.AssumedRole && !p.Service && p.Key == account));

    private static (DelegateKind Kind, string? Account) Classify(string value, bool service)
    {
        if (service)
        {
            return (DelegateKind.Service, null);
        }

        if (value == "*")
        {
            return (DelegateKind.EveryAwsPrincipal, null);
        }

        if (AccountId.Parse(value).TryGetValue(out var id))
        {
            return (DelegateKind.Account, id.Value);
        }

        if (PrincipalArn.Parse(value).TryGetValue(out var arn))
        {
            return (arn.Kind switch
            {
                PrincipalKind.AccountRoot => DelegateKind.Account,
                PrincipalKind.User => DelegateKind.User,
                PrincipalKind.Role => DelegateKind.Role,
                _ => DelegateKind.AssumedRole,
            }, arn.Account.Value);
        }

        return (DelegateKind.Account, null);
    }

    private static DelegateIamSide IamSideOf(DelegateKind kind, string? account, string owner) => kind switch
    {
        DelegateKind.Service => DelegateIamSide.NotNeeded,
        DelegateKind.Everyone or DelegateKind.EveryAwsPrincipal => DelegateIamSide.OtherAccountsUsersAndRoles,
        _ when account == owner => DelegateIamSide.NotNeeded,
        DelegateKind.Account => DelegateIamSide.UsersAndRolesOfThatAccount,
        _ => DelegateIamSide.Required,
    };
}
