using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Policies;

/// <summary>
/// What "Add a delegate" asks for (docs/delegates.md#adding): the principal (account ID, IAM user or role ARN, or a
/// service name), its send actions, and the restrictions written as conditions. Empty lists and null times add nothing.
/// </summary>
public sealed record DelegateRequest(string Principal, IReadOnlyList<string> Actions)
{
    /// <summary>From addresses (<c>ses:FromAddress</c>); <c>*</c>/<c>?</c> make them StringLike patterns.</summary>
    public IReadOnlyList<string> FromAddresses { get; init; } = [];

    /// <summary>Recipient domains: every recipient must be at one of them (<c>ForAllValues:StringLike</c> on <c>ses:Recipients</c>, <c>*@domain</c>).</summary>
    public IReadOnlyList<string> RecipientDomains { get; init; } = [];

    /// <summary>Return-Path addresses (<c>ses:FeedbackAddress</c>).</summary>
    public IReadOnlyList<string> ReturnPathAddresses { get; init; } = [];

    /// <summary>Sends allowed only after this time (<c>DateGreaterThan aws:CurrentTime</c>).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Sends allowed only before this time (<c>DateLessThan aws:CurrentTime</c>).</summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Source IP addresses or CIDR ranges (<c>IpAddress aws:SourceIp</c>).</summary>
    public IReadOnlyList<string> SourceIps { get; init; } = [];
}

/// <summary>One policy as a Delegates-tab change leaves it: <see cref="Before"/> null creates it, <see cref="After"/> null deletes it.</summary>
public sealed record DelegatePolicyChange(string PolicyName, string? Before, string? After, IReadOnlyList<PolicyDiagnostic> Warnings)
{
    public bool Creates => Before is null;

    public bool Deletes => After is null;
}

/// <summary>
/// Writes the Delegates tab's changes into policy text (docs/delegates.md#adding, docs/delegates.md#revoking): a named
/// statement per delegate (<see cref="SidFor"/>), and revocation of exactly one principal. Everything else in a policy is
/// kept as written; the result is indented as the wizard writes it and must pass <see cref="PolicyValidator"/>.
/// </summary>
public static class DelegateEditor
{
    /// <summary>The name of the policy a new grant goes to when the owner picks none.</summary>
    public const string DefaultPolicyName = "delegates";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What <paramref name="principal"/> is (account, user, role, service), or why it is none of them.</summary>
    public static Result<DelegateKind> KindOf(string? principal)
    {
        var text = principal?.Trim() ?? "";
        if (AccountId.Parse(text).IsSuccess)
        {
            return DelegateKind.Account;
        }

        if (text.StartsWith("arn:", StringComparison.Ordinal))
        {
            var arn = PrincipalArn.Parse(text);
            return arn.IsSuccess
                ? arn.Value.Kind switch { PrincipalKind.AccountRoot => DelegateKind.Account, PrincipalKind.User => DelegateKind.User, PrincipalKind.Role => DelegateKind.Role, _ => DelegateKind.AssumedRole }
                : arn.Error;
        }

        if (text.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) && !text.Contains(' ', StringComparison.Ordinal) && !text.Contains('*', StringComparison.Ordinal))
        {
            return DelegateKind.Service;
        }

        return new Error("delegate.principal_invalid", $"'{text}' is not a 12-digit account ID, an IAM user or role ARN (arn:aws:iam::ACCOUNT:user/NAME) or a service (….amazonaws.com).", "Principal");
    }

    /// <summary>The statement name for a delegate: <c>Delegate-111122223333</c>, <c>Delegate-111122223333-user-John</c>, <c>Delegate-cognito-idp-amazonaws-com</c>.</summary>
    public static string SidFor(string principal) => "Delegate-" + Suffix(principal);

    /// <summary>The statement name of the "never again" Deny: <c>DenyDelegate-111122223333</c>.</summary>
    public static string DenySidFor(string principal) => "DenyDelegate-" + Suffix(principal);

    /// <summary>
    /// Adds (or, when the policy already has the delegate's <see cref="SidFor"/> statement, rewrites) the grant in policy
    /// <paramref name="policyName"/>, creating that policy when <paramref name="policies"/> has none of that name.
    /// </summary>
    public static Result<DelegatePolicyChange> Add(IReadOnlyList<(string Name, string Document)> policies, string policyName, DelegateRequest request, IdentityArn identity, IPrincipalDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(request);
        var name = PolicyName.Parse(policyName);
        if (!name.IsSuccess)
        {
            return name.Error with { Location = "PolicyName" };
        }

        var kind = KindOf(request.Principal);
        if (!kind.IsSuccess)
        {
            return kind.Error;
        }

        if (request.Actions.Count == 0)
        {
            return new Error("delegate.no_action", "Choose at least one action the delegate may use.", "Actions");
        }

        var principal = request.Principal.Trim();
        var statement = new JsonObject
        {
            ["Sid"] = SidFor(principal),
            ["Effect"] = "Allow",
            ["Principal"] = PrincipalNode(principal, kind.Value == DelegateKind.Service),
            ["Action"] = new JsonArray([.. request.Actions.Select(a => (JsonNode)JsonValue.Create(a))]),
            ["Resource"] = identity.Value,
        };
        if (Conditions(request) is { } conditions)
        {
            statement["Condition"] = conditions;
        }

        var existing = policies.FirstOrDefault(p => p.Name == policyName);
        var root = existing.Document is null ? new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray() } : ReadObject(existing.Document);
        if (root is null)
        {
            return new Error("delegate.policy_unreadable", $"Policy {policyName} is not a JSON object; fix it in the policy editor first.", "PolicyName");
        }

        var list = StatementArray(root);
        var at = list.Select((s, i) => (s, i)).FirstOrDefault(x => x.s is JsonObject o && SidOf(o) == SidFor(principal)).s is { } found ? list.IndexOf(found) : -1;
        if (at >= 0)
        {
            list[at] = statement;
        }
        else
        {
            list.Add(statement);
        }

        return Checked(policyName, existing.Document, root, identity, directory);
    }

    /// <summary>
    /// Removes exactly the principal keyed <paramref name="key"/> (see <see cref="DelegateGrants.KeyOf"/>) from every
    /// Allow statement of <paramref name="policies"/>: from the Principal list of a statement naming others, or the whole
    /// statement when it names only that principal; a policy left without statements is deleted. With
    /// <paramref name="denyFromNowOn"/>, a Deny statement for the principal (<see cref="DenySidFor"/>) goes into the
    /// first policy changed, which is then kept.
    /// </summary>
    public static Result<IReadOnlyList<DelegatePolicyChange>> Revoke(IReadOnlyList<(string Name, string Document)> policies, string key, bool denyFromNowOn, IdentityArn identity, IPrincipalDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var changes = new List<DelegatePolicyChange>();
        string? principalValue = null;
        bool service = false;
        foreach (var (name, document) in policies)
        {
            if (ReadObject(document) is not { } root || root["Statement"] is not (JsonArray or JsonObject))
            {
                continue;
            }

            var wasObject = root["Statement"] is JsonObject;
            var list = StatementArray(root);
            var changed = false;
            foreach (var statement in list.OfType<JsonObject>().ToList())
            {
                if (statement["Effect"]?.GetValueKind() != JsonValueKind.String || statement["Effect"]!.GetValue<string>() != "Allow")
                {
                    continue;
                }

                var emptied = RemovePrincipal(statement, key, out var removed, out var wasService);
                if (removed is null)
                {
                    continue;
                }

                principalValue ??= removed;
                service |= wasService;
                changed = true;
                if (emptied)
                {
                    list.Remove(statement);
                }
            }

            if (!changed)
            {
                continue;
            }

            if (denyFromNowOn && changes.Count == 0)
            {
                list.Add(DenyStatement(principalValue!, service, key == "*", identity));
            }

            if (list.Count == 0)
            {
                changes.Add(new DelegatePolicyChange(name, document, null, []));
                continue;
            }

            if (wasObject && list.Count == 1)
            {
                root["Statement"] = list[0]!.DeepClone();
            }

            var checkedChange = Checked(name, document, root, identity, directory);
            if (!checkedChange.IsSuccess)
            {
                return checkedChange.Error;
            }

            changes.Add(checkedChange.Value);
        }

        return changes.Count == 0
            ? new Error("delegate.not_granted", $"No Allow statement names {key}; there is nothing to revoke.")
            : changes;
    }

    private static Result<DelegatePolicyChange> Checked(string name, string? before, JsonObject root, IdentityArn identity, IPrincipalDirectory directory)
    {
        var text = root.ToJsonString(Indented);
        var validation = PolicyValidator.ValidateResourcePolicy(text, identity, directory);
        if (!validation.IsValid)
        {
            var first = validation.Errors.First();
            return new Error("policy.invalid", $"Invalid policy: {first.Message}", "Document");
        }

        return new DelegatePolicyChange(name, before, text, [.. validation.Warnings]);
    }

    // Removes the principal from the statement; true when nothing is left for it to name (remove the statement).
    private static bool RemovePrincipal(JsonObject statement, string key, out string? removed, out bool service)
    {
        removed = null;
        service = false;
        switch (statement["Principal"])
        {
            case JsonValue star when star.GetValueKind() == JsonValueKind.String && star.GetValue<string>() == "*":
                removed = key == "*" ? "*" : null;
                return removed is not null;
            case JsonObject principal:
                foreach (var member in new[] { "AWS", "Service" })
                {
                    var isService = member == "Service";
                    var values = principal[member] switch
                    {
                        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
                        JsonArray a when a.All(x => x?.GetValueKind() == JsonValueKind.String) => a.Select(x => x!.GetValue<string>()).ToList(),
                        _ => new List<string>(),
                    };
                    var kept = values.Where(v => DelegateGrants.KeyOf(v, isService) != key).ToList();
                    if (kept.Count == values.Count)
                    {
                        continue;
                    }

                    removed ??= values.First(v => DelegateGrants.KeyOf(v, isService) == key).Trim();
                    service |= isService;
                    if (kept.Count == 0)
                    {
                        principal.Remove(member);
                    }
                    else
                    {
                        principal[member] = kept.Count == 1 && principal[member] is JsonValue ? JsonValue.Create(kept[0]) : new JsonArray([.. kept.Select(k => (JsonNode)JsonValue.Create(k))]);
                    }
                }

                return removed is not null && principal.Count == 0;
            default:
                return false;
        }
    }

    private static JsonObject DenyStatement(string principal, bool service, bool everyone, IdentityArn identity) => new()
    {
        ["Sid"] = everyone ? "DenyDelegate-Everyone" : DenySidFor(principal),
        ["Effect"] = "Deny",
        ["Principal"] = everyone ? JsonValue.Create("*") : PrincipalNode(principal, service),
        ["Action"] = new JsonArray([.. PolicyCatalog.SendActions.Select(a => (JsonNode)JsonValue.Create(a))]),
        ["Resource"] = identity.Value,
    };

    private static JsonObject PrincipalNode(string principal, bool service) => new() { [service ? "Service" : "AWS"] = principal };

    private static JsonObject? Conditions(DelegateRequest request)
    {
        var blocks = new JsonObject();
        void Add(string op, string key, IReadOnlyList<string> values)
        {
            var list = values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (list.Count == 0)
            {
                return;
            }

            var block = blocks[op] as JsonObject ?? (JsonObject)(blocks[op] = new JsonObject());
            block[key] = list.Count == 1 ? JsonValue.Create(list[0]) : new JsonArray([.. list.Select(v => (JsonNode)JsonValue.Create(v))]);
        }

        static string Like(IReadOnlyList<string> values) => values.Any(v => v.Contains('*', StringComparison.Ordinal) || v.Contains('?', StringComparison.Ordinal)) ? "StringLike" : "StringEquals";
        Add(Like(request.FromAddresses), "ses:FromAddress", request.FromAddresses);
        Add(Like(request.ReturnPathAddresses), "ses:FeedbackAddress", request.ReturnPathAddresses);
        Add("ForAllValues:StringLike", "ses:Recipients", [.. request.RecipientDomains.Select(RecipientPattern)]);
        Add("DateGreaterThan", "aws:CurrentTime", request.NotBefore is { } from ? [Iso(from)] : []);
        Add("DateLessThan", "aws:CurrentTime", request.NotAfter is { } until ? [Iso(until)] : []);
        Add("IpAddress", "aws:SourceIp", request.SourceIps);
        return blocks.Count == 0 ? null : blocks;
    }

    /// <summary>A recipient domain as an <c>ses:Recipients</c> pattern: <c>example.com</c>, <c>@example.com</c> and <c>*@example.com</c> all give <c>*@example.com</c>.</summary>
    public static string RecipientPattern(string domain)
    {
        var d = domain.Trim();
        return d.Length == 0 || d.Contains('@', StringComparison.Ordinal) && !d.StartsWith('@') ? d : "*@" + d.TrimStart('*').TrimStart('@');
    }

    // As the wizard's time window writes them (UTC, seconds, Z), so its date-time pickers open them.
    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Suffix(string principal)
    {
        var p = principal.Trim();
        if (AccountId.Parse(p).TryGetValue(out var account))
        {
            return account.Value;
        }

        if (PrincipalArn.Parse(p).TryGetValue(out var arn))
        {
            return arn.Kind switch
            {
                PrincipalKind.AccountRoot => arn.Account.Value,
                PrincipalKind.User => $"{arn.Account.Value}-user-{Clean(arn.Name)}",
                PrincipalKind.Role => $"{arn.Account.Value}-role-{Clean(arn.Name)}",
                _ => $"{arn.Account.Value}-session-{Clean(arn.Name)}-{Clean(arn.Session ?? "")}",
            };
        }

        return p == "*" ? "EveryAwsPrincipal" : Clean(p.ToLowerInvariant());
    }

    private static string Clean(string text) => new([.. text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);

    private static JsonObject? ReadObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The Statement element as an array (a single object becomes a one-element array in place).
    private static JsonArray StatementArray(JsonObject root)
    {
        switch (root["Statement"])
        {
            case JsonArray array:
                return array;
            case JsonObject single:
                var list = new JsonArray(single.DeepClone());
                root["Statement"] = list;
                return list;
            default:
                var created = new JsonArray();
                root["Statement"] = created;
                return created;
        }
    }

    private static string? SidOf(JsonObject statement) => statement["Sid"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
