using System.Text;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Notifications;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Policies;

/// <summary>Which side of a send a policy governs.</summary>
public enum PolicyKind
{
    /// <summary>A sending authorization policy attached to an SES identity (has <c>Principal</c>, one <c>Resource</c>).</summary>
    Resource,

    /// <summary>An identity-based policy attached to an IAM user or role (no <c>Principal</c>; <c>Resource</c> may use wildcards).</summary>
    IdentityBased,

    /// <summary>
    /// A role's trust policy (IAM's <c>AssumeRolePolicyDocument</c>): who may assume the role. It has <c>Principal</c>,
    /// STS actions only (<c>sts:AssumeRole</c>) and no <c>Resource</c>: it always governs the role it is attached to.
    /// </summary>
    Trust,

    /// <summary>
    /// An SNS topic's access policy (docs/notifications.md#topic-policies): who may publish, subscribe and manage the
    /// topic. It has <c>Principal</c> (AWS principals, <c>"*"</c> or a service such as <c>ses.amazonaws.com</c>), SNS
    /// actions only (<c>SNS:Publish</c> …) and Resource the topic's ARN.
    /// </summary>
    Topic,
}

/// <summary>The outcome of validation: the parsed document (when the text was JSON) and every diagnostic, errors first.</summary>
public sealed record PolicyValidationResult(PolicyKind Kind, PolicyDocument? Document, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    /// <summary>True when there are no errors (warnings allowed). Only valid policies may be saved or compiled.</summary>
    public bool IsValid => Document is not null && !Diagnostics.Any(d => d.IsError);

    public IEnumerable<PolicyDiagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public IEnumerable<PolicyDiagnostic> Warnings => Diagnostics.Where(d => !d.IsError);
}

/// <summary>
/// Stage 2 of the policy engine: the save-time rules SES enforces, as positioned errors and warnings. The same rules
/// apply to the owner's resource policies (<see cref="ValidateResourcePolicy"/>) and to the delegate's identity-based
/// policies (<see cref="ValidateIdentityPolicy"/>), except for Principal and Resource.
/// </summary>
/// <remarks>Total: never throws on any text.</remarks>
public static class PolicyValidator
{
    private static readonly string[] RegexMarkers = [".*", ".+", "\\.", "\\d", "\\w"];

    /// <summary>Validates a sending authorization policy to be attached to <paramref name="identity"/>.</summary>
    /// <param name="text">The policy JSON.</param>
    /// <param name="identity">The identity the policy is attached to; its account is the owner.</param>
    /// <param name="directory">The principal registry; every named principal must exist (docs/ses-behaviour.md#principals).</param>
    public static PolicyValidationResult ValidateResourcePolicy(string? text, IdentityArn identity, IPrincipalDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Validate(text, PolicyKind.Resource, identity, directory);
    }

    /// <summary>Validates an identity-based policy attached to an IAM user or role (the delegate side).</summary>
    public static PolicyValidationResult ValidateIdentityPolicy(string? text) => Validate(text, PolicyKind.IdentityBased, default, null);

    /// <summary>Validates a role's trust policy (docs/sts.md): Principal required, STS actions only, no Resource.</summary>
    /// <param name="text">The policy JSON.</param>
    /// <param name="directory">The principal registry; every named principal must exist, as IAM checks at save time.</param>
    public static PolicyValidationResult ValidateTrustPolicy(string? text, IPrincipalDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Validate(text, PolicyKind.Trust, default, directory);
    }

    /// <summary>Validates an SNS topic's access policy: Principal required, SNS actions only, Resource the topic's ARN.</summary>
    /// <param name="text">The policy JSON.</param>
    /// <param name="topic">The topic the policy is attached to.</param>
    /// <param name="directory">The principal registry; every named principal must exist, as SNS checks at save time.</param>
    public static PolicyValidationResult ValidateTopicPolicy(string? text, TopicArn topic, IPrincipalDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Validate(text, PolicyKind.Topic, default, directory, topic);
    }

    private static PolicyValidationResult Validate(string? text, PolicyKind kind, IdentityArn identity, IPrincipalDirectory? directory, TopicArn topic = default)
    {
        var parsed = PolicyParser.Parse(text);
        var diagnostics = new List<PolicyDiagnostic>(parsed.Diagnostics);
        if (text is not null && text.Length > PolicyLimits.MaxPolicyBytes / 4 && Encoding.UTF8.GetByteCount(text) > PolicyLimits.MaxPolicyBytes)
        {
            diagnostics.Insert(0, Error(PolicyDiagnosticCodes.TooLarge,
                $"The policy is {Encoding.UTF8.GetByteCount(text)} bytes; the maximum is {PolicyLimits.MaxPolicyBytes} bytes (4 KB).",
                PolicyLocation.Root));
        }

        if (parsed.Document is { } document)
        {
            try
            {
                CheckDocument(document, kind, identity, topic, directory, diagnostics);
            }
#pragma warning disable CA1031 // Total by contract: a directory failure becomes a diagnostic rather than a crash of the page.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.UnknownPrincipal, $"The principal registry could not be queried: {ex.Message}", document.Location));
            }
        }

        var ordered = diagnostics.OrderBy(d => d.Severity).ThenBy(d => d.Line).ThenBy(d => d.Column).ToList();
        return new PolicyValidationResult(kind, parsed.Document, ordered);
    }

    private static void CheckDocument(PolicyDocument document, PolicyKind kind, IdentityArn identity, TopicArn topic, IPrincipalDirectory? directory, List<PolicyDiagnostic> diagnostics)
    {
        if (document.Version is { } version && version.Value is not ("2012-10-17" or "2008-10-17"))
        {
            diagnostics.Add(Warning(PolicyDiagnosticCodes.UnusualVersion,
                $"Version '{version.Value}' is not a policy language version; use \"2012-10-17\".", version.Location));
        }

        if (document.Statements.Count == 0 && !HasErrorUnder(diagnostics, document.StatementLocation))
        {
            diagnostics.Add(Error(PolicyDiagnosticCodes.MissingStatement, "The policy needs at least one statement.",
                document.StatementLocation ?? document.Location));
        }

        var sids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in document.Statements)
        {
            if (statement.Sid is { Value.Length: > 0 } sid && !sids.Add(sid.Value))
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.DuplicateSid, $"Sid '{sid.Value}' is used by more than one statement.", sid.Location));
            }

            CheckStatement(statement, kind, identity, topic, directory, diagnostics);
        }
    }

    private static void CheckStatement(PolicyStatement statement, PolicyKind kind, IdentityArn identity, TopicArn topic, IPrincipalDirectory? directory, List<PolicyDiagnostic> diagnostics)
    {
        var name = StatementName(statement);
        if (statement.Effect is null)
        {
            diagnostics.Add(Error(PolicyDiagnosticCodes.MissingEffect, $"{name} has no Effect; use \"Allow\" or \"Deny\".", statement.Location));
        }
        else if (statement.ParsedEffect is null)
        {
            diagnostics.Add(Error(PolicyDiagnosticCodes.InvalidEffect, $"Effect must be \"Allow\" or \"Deny\", not '{statement.Effect.Value}'.",
                statement.Effect.Location, Suggestions.DidYouMean(statement.Effect.Value, ["Allow", "Deny"])));
        }

        if (kind != PolicyKind.IdentityBased)
        {
            CheckPrincipal(statement, name, kind, identity, directory!, diagnostics);
        }
        else if (statement.Principal is not null)
        {
            diagnostics.Add(Error(PolicyDiagnosticCodes.PrincipalNotAllowed,
                "An identity-based policy has no Principal: it applies to the user or role it is attached to.", statement.Principal.Location));
        }

        CheckActions(statement, name, kind, diagnostics);
        CheckResources(statement, name, kind, identity, topic, diagnostics);
        foreach (var condition in statement.Conditions)
        {
            CheckCondition(condition, statement, kind, diagnostics);
        }
    }

    private static void CheckPrincipal(PolicyStatement statement, string name, PolicyKind kind, IdentityArn identity, IPrincipalDirectory directory, List<PolicyDiagnostic> diagnostics)
    {
        var principal = statement.Principal;
        if (principal is null)
        {
            diagnostics.Add(Error(PolicyDiagnosticCodes.MissingPrincipal,
                $"{name} has no Principal; name the account, user, role or service that may send, or \"*\".", statement.Location));
            return;
        }

        if (principal.IsEveryone)
        {
            return;
        }

        if (principal.Aws.Count == 0 && principal.Services.Count == 0)
        {
            if (HasErrorUnder(diagnostics, principal.Location))
            {
                return;
            }

            diagnostics.Add(Error(PolicyDiagnosticCodes.MissingPrincipal, $"{name} names no principal.", principal.Location));
            return;
        }

        foreach (var aws in principal.Aws)
        {
            CheckAwsPrincipal(aws, identity, directory, diagnostics);
        }

        foreach (var service in principal.Services)
        {
            if (Wildcard.HasWildcard(service.Value))
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.PrincipalWildcard,
                    $"Wildcards are not allowed in a service principal ('{service.Value}').", service.Location));
            }
            else if (!directory.IsKnownService(service.Value) &&
                     !(kind == PolicyKind.Topic && TopicPolicies.BuiltInServicePrincipals.Contains(service.Value, StringComparer.Ordinal)))
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.UnknownPrincipal,
                    $"Invalid principal: service '{service.Value}' is not on this installation's list of service principals.", service.Location));
            }
        }
    }

    private static void CheckAwsPrincipal(PolicyText aws, IdentityArn identity, IPrincipalDirectory directory, List<PolicyDiagnostic> diagnostics)
    {
        var value = aws.Value;
        if (value == "*")
        {
            return;
        }

        if (Wildcard.HasWildcard(value))
        {
            diagnostics.Add(Error(PolicyDiagnosticCodes.PrincipalWildcard,
                $"Wildcards are not allowed inside a principal ('{value}'); only a bare \"*\" means everyone.", aws.Location,
                "use \"*\" with a condition such as aws:PrincipalOrgID, or list the principals"));
            return;
        }

        AccountId account;
        if (!value.StartsWith("arn:", StringComparison.Ordinal))
        {
            var parsedAccount = AccountId.Parse(value);
            if (!parsedAccount.IsSuccess || value.Length != 12)
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.InvalidPrincipal,
                    $"Invalid principal '{value}': use a 12-digit account ID or an ARN such as arn:aws:iam::123456789012:user/NAME.", aws.Location));
                return;
            }

            account = parsedAccount.Value;
            if (!directory.AccountExists(account))
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.UnknownPrincipal, $"Invalid principal: account {value} is not registered here.", aws.Location));
                return;
            }
        }
        else
        {
            var arn = PrincipalArn.Parse(value);
            if (!arn.IsSuccess || arn.Value.Value != value)
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.InvalidPrincipal,
                    arn.IsSuccess ? $"Invalid principal '{value}'." : arn.Error.Message, aws.Location));
                return;
            }

            account = arn.Value.Account;
            var exists = arn.Value.Kind switch
            {
                PrincipalKind.AccountRoot => directory.AccountExists(account),
                PrincipalKind.AssumedRole => IamName.Parse(arn.Value.Name, "role") is { IsSuccess: true } role &&
                                             directory.PrincipalExists(PrincipalArn.ForRole(account, role.Value)),
                _ => directory.PrincipalExists(arn.Value),
            };
            if (!exists)
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.UnknownPrincipal, $"Invalid principal: '{value}' does not exist here.", aws.Location));
                return;
            }

            if (arn.Value.Kind != PrincipalKind.AccountRoot)
            {
                return;
            }
        }

        if (identity.Value is not null && account == identity.Account)
        {
            diagnostics.Add(Warning(PolicyDiagnosticCodes.PrincipalIsOwner,
                $"Principal '{value}' is the identity owner's own account; the owner can always send from its identities, so this grant only matters for its IAM users and roles.",
                aws.Location));
        }
    }

    private static void CheckActions(PolicyStatement statement, string name, PolicyKind kind, List<PolicyDiagnostic> diagnostics)
    {
        var trust = kind == PolicyKind.Trust;
        var topic = kind == PolicyKind.Topic;
        if (statement.Actions.Count == 0)
        {
            if (HasErrorUnder(diagnostics, statement.ActionLocation))
            {
                return;
            }

            diagnostics.Add(Error(PolicyDiagnosticCodes.MissingAction, $"{name} has no Action; for example \"{(trust ? "sts:AssumeRole" : topic ? "SNS:Publish" : "ses:SendEmail")}\".",
                statement.ActionLocation ?? statement.Location));
            return;
        }

        foreach (var action in statement.Actions)
        {
            if (Wildcard.HasWildcard(action.Value))
            {
                var lower = action.Value.ToLowerInvariant();
                var matchesOne = false;
                foreach (var known in PolicyCatalog.LowerActionsFor(kind))
                {
                    matchesOne |= Wildcard.IsMatch(lower, known);
                }

                if (!matchesOne)
                {
                    diagnostics.Add(topic
                        ? Error(PolicyDiagnosticCodes.UnknownAction, $"Action pattern '{action.Value}' matches no SNS topic action.", action.Location, "for example `SNS:*` or `SNS:Publish`")
                        : trust
                        ? Error(PolicyDiagnosticCodes.UnknownAction, $"Action pattern '{action.Value}' matches no action a trust policy grants.", action.Location, "use `sts:AssumeRole`")
                        : Error(PolicyDiagnosticCodes.UnknownAction, $"Action pattern '{action.Value}' matches no SES action.", action.Location, "for example `ses:Send*`"));
                }
            }
            else if (!PolicyCatalog.IsKnownAction(action.Value, kind))
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.UnknownAction,
                    trust ? $"'{action.Value}' is not an action a trust policy grants ({string.Join(", ", PolicyCatalog.StsActions)})."
                    : topic ? $"'{action.Value}' is not an action a topic policy grants ({string.Join(", ", PolicyCatalog.SnsActions)})."
                    : $"'{action.Value}' is not an SES action.",
                    action.Location, Suggestions.DidYouMean(action.Value, PolicyCatalog.ActionsFor(kind))));
            }
        }
    }

    private static void CheckResources(PolicyStatement statement, string name, PolicyKind kind, IdentityArn identity, TopicArn topic, List<PolicyDiagnostic> diagnostics)
    {
        if (kind == PolicyKind.Trust)
        {
            // IAM refuses a trust policy with a Resource ("Has prohibited field Resource"): the resource is always the role.
            if (statement.ResourceLocation is { } resourceLocation)
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.ResourceNotAllowed,
                    $"{name} has a Resource, but a trust policy has none: it always governs the role it is attached to.", resourceLocation, "remove \"Resource\""));
            }

            return;
        }

        if (statement.Resources.Count == 0)
        {
            if (HasErrorUnder(diagnostics, statement.ResourceLocation))
            {
                return;
            }

            diagnostics.Add(Error(PolicyDiagnosticCodes.MissingResource,
                kind switch
                {
                    PolicyKind.Resource => $"{name} has no Resource; use \"{identity.Value}\".",
                    PolicyKind.Topic => $"{name} has no Resource; use \"{topic.Value}\".",
                    _ => $"{name} has no Resource; use \"*\" or an identity ARN.",
                },
                statement.ResourceLocation ?? statement.Location));
            return;
        }

        if (kind == PolicyKind.Topic)
        {
            // SNS accepts a pattern that covers the topic (arn:aws:sns:*:ACCOUNT:NAME); one that misses it governs nothing.
            foreach (var resource in statement.Resources)
            {
                if (resource.Value != topic.Value && !Wildcard.IsMatch(resource.Value, topic.Value))
                {
                    diagnostics.Add(Error(PolicyDiagnosticCodes.ResourceMismatch,
                        $"Resource '{resource.Value}' is not the ARN of the topic this policy is attached to.", resource.Location,
                        $"did you mean `{topic.Value}`?"));
                }
            }

            return;
        }

        if (kind == PolicyKind.Resource)
        {
            if (statement.Resources.Count != 1)
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.ResourceCount,
                    $"{name} must have exactly one Resource, the ARN of the identity the policy is attached to.",
                    statement.ResourceLocation ?? statement.Location, $"use \"{identity.Value}\""));
            }

            foreach (var resource in statement.Resources)
            {
                if (resource.Value != identity.Value)
                {
                    diagnostics.Add(Error(PolicyDiagnosticCodes.ResourceMismatch,
                        $"Resource '{resource.Value}' is not the ARN of the identity this policy is attached to.", resource.Location,
                        $"did you mean `{identity.Value}`?"));
                }
            }

            return;
        }

        foreach (var resource in statement.Resources)
        {
            if (!IsIdentityArnPattern(resource.Value) && !IsRoleArnPattern(resource.Value) && !IsTopicArnPattern(resource.Value))
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.InvalidResource,
                    $"Resource '{resource.Value}' is not \"*\" or an SES identity ARN such as arn:aws:ses:us-east-1:123456789012:identity/example.com.",
                    resource.Location, "for sts:AssumeRole, name the role: arn:aws:iam::123456789012:role/NAME"));
            }
        }
    }

    /// <summary>An SNS topic ARN pattern (the resource of the <c>SNS:</c> actions in an identity-based policy).</summary>
    private static bool IsTopicArnPattern(string value)
    {
        var parts = value.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" && Wildcard.IsMatch(parts[1], "aws") && Wildcard.IsMatch(parts[2], "sns") && parts[5].Length > 0;
    }

    /// <summary>An IAM role ARN pattern (the resource of <c>sts:AssumeRole</c> in an identity-based policy).</summary>
    private static bool IsRoleArnPattern(string value)
    {
        var parts = value.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" && Wildcard.IsMatch(parts[1], "aws") && Wildcard.IsMatch(parts[2], "iam") &&
               parts[3].Length == 0 && (parts[5].StartsWith("role/", StringComparison.Ordinal) || Wildcard.IsMatch(parts[5], "role/x"));
    }

    private static bool IsIdentityArnPattern(string value)
    {
        if (value == "*")
        {
            return true;
        }

        var parts = value.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" && Wildcard.IsMatch(parts[1], "aws") && Wildcard.IsMatch(parts[2], "ses") &&
               parts[5].Length > 0 && (parts[5].StartsWith("identity/", StringComparison.Ordinal) || parts[5][0] is '*' ||
                                       Wildcard.IsMatch(parts[5], "identity/x") || parts[5].StartsWith("identity", StringComparison.Ordinal));
    }

    private static void CheckCondition(PolicyCondition condition, PolicyStatement statement, PolicyKind kind, List<PolicyDiagnostic> diagnostics)
    {
        var opOk = ConditionOperator.TryParse(condition.Operator.Value, out var op);
        if (!opOk)
        {
            var bare = condition.Operator.Value;
            var colon = bare.LastIndexOf(':');
            var core = colon >= 0 ? bare[(colon + 1)..] : bare;
            var message = core.StartsWith("Null", StringComparison.Ordinal) && core.Length > 4
                ? $"Condition operator '{condition.Operator.Value}' is not allowed: Null takes no IfExists suffix and no set prefix."
                : $"'{condition.Operator.Value}' is not a condition operator.";
            var suggestion = Suggestions.Closest(core.EndsWith("IfExists", StringComparison.Ordinal) ? core[..^8] : core, ConditionOperator.BaseNames);
            diagnostics.Add(Error(PolicyDiagnosticCodes.UnknownOperator, message, condition.Operator.Location,
                suggestion is null ? null : $"did you mean `{(colon >= 0 ? bare[..(colon + 1)] : "")}{suggestion}`?"));
        }

        if (!PolicyCatalog.TryGetConditionKey(condition.Key.Value, kind, out var key) || !PolicyCatalog.IsApplicable(key, kind))
        {
            var hint = Suggestions.DidYouMean(condition.Key.Value, PolicyCatalog.ConditionKeyNamesFor(kind));
            diagnostics.Add(Error(PolicyDiagnosticCodes.UnknownConditionKey,
                $"Unknown or unapplicable condition field '{condition.Key.Value}'", condition.Key.Location, hint));
            return;
        }

        if (condition.Values.Count == 0)
        {
            if (HasErrorUnder(diagnostics, condition.Key.Location))
            {
                return;
            }

            diagnostics.Add(Error(PolicyDiagnosticCodes.InvalidConditionValue,
                $"Condition {condition.Operator.Value} on {condition.Key.Value} needs at least one value.", condition.Key.Location));
            return;
        }

        if (!opOk)
        {
            return;
        }

        foreach (var value in condition.Values)
        {
            if (!IsValidValue(op, value.Value, out var expected))
            {
                diagnostics.Add(Error(PolicyDiagnosticCodes.InvalidConditionValue,
                    $"'{value.Value}' is not a valid value for {op}: expected {expected}.", value.Location));
            }
        }

        CheckConditionWarnings(condition, statement, op, key, diagnostics);
    }

    private static void CheckConditionWarnings(PolicyCondition condition, PolicyStatement statement, ConditionOperator op, ConditionKey key, List<PolicyDiagnostic> diagnostics)
    {
        if (key == ConditionKey.Recipients && op.Set == SetQualifier.None && op.Kind != OperatorKind.NullCheck)
        {
            diagnostics.Add(Warning(PolicyDiagnosticCodes.RecipientsPlainOperator,
                $"ses:Recipients has several values; plain {op} is treated as ForAnyValue:{op} (at least one recipient must match).",
                condition.Operator.Location, $"write `ForAllValues:{op}` to require every recipient to match, or `ForAnyValue:{op}` to say so explicitly"));
        }

        if (op.Set == SetQualifier.ForAllValues && statement.ParsedEffect == PolicyEffect.Allow)
        {
            diagnostics.Add(Warning(PolicyDiagnosticCodes.ForAllValuesWithAllow,
                $"ForAllValues is also true when {PolicyCatalog.NameOf(key)} is absent or empty, so this Allow can apply to requests without the key.",
                condition.Operator.Location, $"add a Null condition (\"{PolicyCatalog.NameOf(key)}\": \"false\") to require the key"));
        }

        if (!IsCompatible(op, key))
        {
            diagnostics.Add(Warning(PolicyDiagnosticCodes.OperatorKeyMismatch,
                $"{op} compares {op.ValueType} values but {PolicyCatalog.NameOf(key)} holds {PolicyCatalog.TypeOf(key)} values; requests will fail to evaluate.",
                condition.Operator.Location));
        }

        if (!op.IsLike)
        {
            return;
        }

        foreach (var value in condition.Values)
        {
            if (LooksLikeRegex(value.Value))
            {
                var fixedPattern = value.Value.Replace(".*", "*", StringComparison.Ordinal).Replace(".+", "?*", StringComparison.Ordinal);
                diagnostics.Add(Warning(PolicyDiagnosticCodes.RegexInLike,
                    $"'{value.Value}' looks like a regular expression, but {op.Kind} uses only * and ?; in StringLike `.` is a literal dot.",
                    value.Location, $"did you mean `{fixedPattern}`?"));
            }
            else if (!Wildcard.HasWildcard(value.Value))
            {
                diagnostics.Add(Warning(PolicyDiagnosticCodes.LikeWithoutWildcard,
                    $"'{value.Value}' has no * or ?, so {op.Kind} is an exact, case-sensitive match.",
                    value.Location, $"use `*{value.Value}*` to match values that contain it"));
            }
        }
    }

    private static bool LooksLikeRegex(string value)
    {
        foreach (var marker in RegexMarkers)
        {
            if (value.Contains(marker, StringComparison.Ordinal))
            {
                return true;
            }
        }

        if (value.StartsWith('^') || value.EndsWith('$'))
        {
            return true;
        }

        var open = value.IndexOf('[', StringComparison.Ordinal);
        return open >= 0 && value.IndexOf(']', open + 1) > open + 1;
    }

    private static bool IsCompatible(ConditionOperator op, ConditionKey key)
    {
        var keyType = PolicyCatalog.TypeOf(key);
        return op.Kind switch
        {
            OperatorKind.NullCheck or OperatorKind.BinaryEquals => true,
            _ => op.ValueType switch
            {
                ConditionValueType.Text => true,
                ConditionValueType.Number => key == ConditionKey.EpochTime,
                ConditionValueType.Date => keyType == ConditionValueType.Date,
                ConditionValueType.Boolean => keyType == ConditionValueType.Boolean,
                ConditionValueType.IpAddress => keyType == ConditionValueType.IpAddress,
                ConditionValueType.Arn => keyType == ConditionValueType.Arn,
                _ => true,
            },
        };
    }

    internal static bool IsValidValue(ConditionOperator op, string value, out string expected)
    {
        switch (op.Kind)
        {
            case OperatorKind.NullCheck:
                expected = "\"true\" (key absent) or \"false\" (key present)";
                return ValueParsers.TryParseBool(value, out _);
            case OperatorKind.BoolEquals:
                expected = "\"true\" or \"false\"";
                return ValueParsers.TryParseBool(value, out _);
            case OperatorKind.BinaryEquals:
                expected = "a base64 string";
                return ValueParsers.IsBase64(value);
        }

        switch (op.ValueType)
        {
            case ConditionValueType.Number:
                expected = "a number";
                return ValueParsers.TryParseNumber(value, out _);
            case ConditionValueType.Date:
                expected = "an ISO 8601 date such as 2021-08-31T12:00Z or epoch seconds (no wildcards)";
                return ValueParsers.TryParseDate(value, out _);
            case ConditionValueType.IpAddress:
                expected = "an IPv4 or IPv6 address or CIDR such as 192.0.2.0/24";
                return ValueParsers.TryParseCidr(value, out _);
            default:
                expected = "a string";
                return true;
        }
    }

    /// <summary>Whether an error was already reported at or below <paramref name="location"/> (avoids a second, redundant one).</summary>
    private static bool HasErrorUnder(List<PolicyDiagnostic> diagnostics, PolicyLocation? location)
    {
        if (location is null)
        {
            return false;
        }

        foreach (var d in diagnostics)
        {
            if (d.IsError && d.JsonPointer.StartsWith(location.JsonPointer, StringComparison.Ordinal) &&
                (d.JsonPointer.Length == location.JsonPointer.Length || d.JsonPointer[location.JsonPointer.Length] == '/'))
            {
                return true;
            }
        }

        return false;
    }

    private static string StatementName(PolicyStatement statement) =>
        statement.Sid is { Value.Length: > 0 } sid ? $"Statement '{sid.Value}'" : $"Statement {statement.Index + 1}";

    private static PolicyDiagnostic Error(string code, string message, PolicyLocation location, string? hint = null) =>
        new(DiagnosticSeverity.Error, code, message, location, hint);

    private static PolicyDiagnostic Warning(string code, string message, PolicyLocation location, string? hint = null) =>
        new(DiagnosticSeverity.Warning, code, message, location, hint);
}
