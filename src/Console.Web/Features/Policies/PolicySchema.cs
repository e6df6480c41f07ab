using System.Text.Json;
using System.Text.Json.Nodes;
using SesConsole.Domain.Policies;

namespace SesConsole.Web.Features.Policies;

/// <summary>
/// A JSON schema for sending authorization policies, IAM identity-based policies and role trust policies: elements,
/// actions, condition operators and keys, and the principals known here, with descriptions Monaco shows on hover and completion.
/// </summary>
public static class PolicySchema
{
    /// <summary>
    /// What an identity-based policy's Resource may be: "*", an SES identity ARN pattern, or an IAM role ARN pattern (the
    /// resource of sts:AssumeRole). The validator has the last word.
    /// </summary>
    /// <remarks>Partition "aws" and service "ses" (any region and account, a non-empty resource) or "iam" (no region, role/…), or wildcards there.</remarks>
    public const string IdentityResourcePattern =
        @"^(\*|arn:(aws|[^:]*[*?][^:]*):(ses|[^:]*[*?][^:]*):[^:]*:[^:]*:.+|arn:(aws|[^:]*[*?][^:]*):(iam|[^:]*[*?][^:]*)::[^:]*:role/.+)$";

    /// <summary>The schema of a sending authorization policy: Principal from the principals known here, Resource the identity.</summary>
    public static string Build(IEnumerable<string> knownPrincipals, IEnumerable<string> services) => Build(knownPrincipals, services, PolicyKind.Resource);

    /// <summary>
    /// The schema of an IAM identity-based policy (attached to a user or role): the same actions, condition operators and
    /// keys, Resource as "*" or identity ARN patterns, and no Principal (the policy applies to whom it is attached to).
    /// </summary>
    public static string BuildIdentityPolicy() => Build([], [], PolicyKind.IdentityBased);

    /// <summary>
    /// The schema of a role's trust policy (docs/sts.md): Principal from the principals known here, STS actions
    /// (<c>sts:AssumeRole</c>), the <c>aws:</c> and <c>sts:</c> condition keys, and no Resource.
    /// </summary>
    public static string BuildTrustPolicy(IEnumerable<string> knownPrincipals, IEnumerable<string> services) => Build(knownPrincipals, services, PolicyKind.Trust);

    private static string Build(IEnumerable<string> knownPrincipals, IEnumerable<string> services, PolicyKind kind)
    {
        var identityBased = kind == PolicyKind.IdentityBased;
        var trust = kind == PolicyKind.Trust;
        var operators = ConditionOperator.BaseNames
            .SelectMany(n => n == "Null" ? new[] { n } : [n, n + "IfExists", "ForAllValues:" + n, "ForAnyValue:" + n])
            .ToList();
        JsonNode StringOrArray(JsonObject item) => new JsonObject
        {
            ["anyOf"] = new JsonArray(item.DeepClone(), new JsonObject { ["type"] = "array", ["items"] = item.DeepClone() }),
        };
        var keyProps = new JsonObject();
        foreach (var key in PolicyCatalog.ConditionKeyNamesFor(kind))
        {
            keyProps[key] = new JsonObject
            {
                ["description"] = $"{PolicyWords.KeyInWords(key)}.",
                ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } }),
            };
        }

        var conditionBlock = new JsonObject
        {
            ["type"] = "object", ["properties"] = keyProps, ["additionalProperties"] = false,
            ["description"] = "Keys under one operator are AND-ed; several values for one key are OR-ed.",
        };
        var conditionProps = new JsonObject();
        foreach (var op in operators)
        {
            conditionProps[op] = conditionBlock.DeepClone();
            conditionProps[op]!["description"] = OperatorHelp(op);
        }

        var principalValue = new JsonObject
        {
            ["type"] = "string",
            ["examples"] = new JsonArray([.. knownPrincipals.Select(p => (JsonNode)JsonValue.Create(p)!)]),
            ["description"] = "An account ID, an account root ARN, or an IAM user or role ARN registered here.",
        };
        var serviceValue = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. services.Select(s => (JsonNode)JsonValue.Create(s)!)]) };
        var action = trust
            ? new JsonObject
            {
                ["type"] = "string",
                ["examples"] = new JsonArray([.. PolicyCatalog.StsActions.Select(a => (JsonNode)JsonValue.Create(a)!)]),
                ["description"] = "sts:AssumeRole lets the principal assume this role and act with its identity-based policies.",
            }
            : new JsonObject
            {
                ["type"] = "string",
                ["examples"] = new JsonArray([.. PolicyCatalog.SendActions.Append("ses:Send*").Concat(identityBased ? ["sts:AssumeRole"] : []).Select(a => (JsonNode)JsonValue.Create(a)!)]),
                ["description"] = identityBased
                    ? "SES actions (case-insensitive). ses:Send* covers every send action; SMTP needs ses:SendRawEmail. sts:AssumeRole (with a role ARN as Resource) lets this user or role assume the role."
                    : "SES actions (case-insensitive). ses:Send* covers every send action; SMTP needs ses:SendRawEmail.",
            };
        var resource = identityBased
            ? new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = IdentityResourcePattern,
                ["examples"] = new JsonArray("*", "arn:aws:ses:*:*:identity/*", "arn:aws:ses:us-east-1:123456789012:identity/example.com", "arn:aws:ses:us-east-1:123456789012:identity/*@example.com",
                    "arn:aws:iam::123456789012:role/NAME"),
                ["description"] = "Which identities this user or role may send as: \"*\" or SES identity ARNs, with * and ? (arn:aws:ses:REGION:ACCOUNT:identity/NAME); for sts:AssumeRole, role ARNs (arn:aws:iam::ACCOUNT:role/NAME).",
            }
            : new JsonObject { ["type"] = "string", ["description"] = "The identity's ARN (sending authorization policies name exactly one: this identity)." };
        var statementProps = new JsonObject
        {
            ["Sid"] = new JsonObject { ["type"] = "string", ["description"] = "Statement ID: a name for this statement, unique in the policy." },
            ["Effect"] = new JsonObject { ["enum"] = new JsonArray("Allow", "Deny"), ["description"] = "Allow grants; an applicable Deny always wins." },
        };
        if (!identityBased)
        {
            statementProps["Principal"] = new JsonObject
            {
                ["description"] = trust
                    ? "Who may assume this role: {\"AWS\": accounts, users, roles or role sessions}. Naming an account also needs that caller's own policy to allow sts:AssumeRole on the role."
                    : "Who may send: \"*\" (everyone, use with a condition), {\"AWS\": accounts/users/roles}, or {\"Service\": a service}.",
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["const"] = "*" },
                    new JsonObject
                    {
                        ["type"] = "object", ["additionalProperties"] = false,
                        ["properties"] = new JsonObject { ["AWS"] = StringOrArray(principalValue), ["Service"] = StringOrArray(serviceValue) },
                    }),
            };
        }

        statementProps["Action"] = StringOrArray(action);
        if (!trust)
        {
            statementProps["Resource"] = StringOrArray(resource);
        }

        statementProps["Condition"] = new JsonObject
        {
            ["type"] = "object", ["properties"] = conditionProps, ["additionalProperties"] = false,
            ["description"] = "Every operator must hold (AND).",
        };
        var statement = new JsonObject
        {
            ["type"] = "object",
            ["required"] = trust ? new JsonArray("Effect", "Principal", "Action") : new JsonArray("Effect", "Action", "Resource"),
            ["additionalProperties"] = false,
            ["properties"] = statementProps,
        };
        var schema = new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-07/schema#",
            ["type"] = "object",
            ["required"] = new JsonArray("Statement"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["Version"] = new JsonObject { ["enum"] = new JsonArray("2012-10-17", "2008-10-17"), ["description"] = "Policy language version; use 2012-10-17." },
                ["Id"] = new JsonObject { ["type"] = "string", ["description"] = "An optional identifier for the policy." },
                ["Statement"] = new JsonObject
                {
                    ["description"] = "One or more statements. Any applicable Deny wins; otherwise any applicable Allow allows.",
                    ["anyOf"] = new JsonArray(statement.DeepClone(), new JsonObject { ["type"] = "array", ["items"] = statement.DeepClone() }),
                },
            },
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static string OperatorHelp(string op)
    {
        var help = op.Replace("ForAllValues:", "", StringComparison.Ordinal).Replace("ForAnyValue:", "", StringComparison.Ordinal) switch
        {
            var o when o.StartsWith("StringLike", StringComparison.Ordinal) => "Case-sensitive match with * (any run) and ? (one character). No regex: `.` is a literal dot.",
            var o when o.StartsWith("StringNotLike", StringComparison.Ordinal) => "None of the patterns may match (* and ?, case-sensitive).",
            var o when o.StartsWith("StringEquals", StringComparison.Ordinal) => "Exact, case-sensitive (IgnoreCase variant: case-insensitive).",
            var o when o.StartsWith("Date", StringComparison.Ordinal) => "Compares aws:CurrentTime with ISO 8601 instants (2026-12-01T00:00:00Z) or epoch seconds.",
            var o when o.StartsWith("IpAddress", StringComparison.Ordinal) => "The source IP must be in one of the CIDR ranges.",
            var o when o.StartsWith("NotIpAddress", StringComparison.Ordinal) => "The source IP must be in none of the CIDR ranges.",
            var o when o.StartsWith("Bool", StringComparison.Ordinal) => "\"true\" or \"false\", e.g. aws:SecureTransport.",
            var o when o.StartsWith("Arn", StringComparison.Ordinal) => "ARN match, segment by segment, with * and ?.",
            "Null" => "\"true\": the key must be absent; \"false\": it must be present.",
            _ => "Condition operator.",
        };
        if (op.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            help += " ForAllValues: every request value must match (true when there are none — risky with Allow).";
        }
        else if (op.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            help += " ForAnyValue: at least one request value must match (false when there are none).";
        }

        if (op.EndsWith("IfExists", StringComparison.Ordinal))
        {
            help += " IfExists: true when the key is absent.";
        }

        return help;
    }
}
