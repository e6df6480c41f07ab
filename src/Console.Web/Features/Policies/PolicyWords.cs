using System.Globalization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Web.Features.Policies;

/// <summary>A policy in a sentence or two: how many statements, and who they name.</summary>
public sealed record PolicySummary(int Statements, string Principals)
{
    public static PolicySummary Of(string document)
    {
        var parsed = PolicyParser.Parse(document);
        if (parsed.Document is null)
        {
            return new PolicySummary(0, "(unreadable)");
        }

        var who = parsed.Document.Statements
            .Select(s => $"{(s.ParsedEffect == PolicyEffect.Deny ? "Deny " : "")}{PolicyWords.Principal(s.Principal)}")
            .Distinct(StringComparer.Ordinal);
        return new PolicySummary(parsed.Document.Statements.Count, string.Join("; ", who));
    }
}

/// <summary>Plain-language renderings of policy parts (never the policy text itself).</summary>
public static class PolicyWords
{
    public static string Principal(PolicyPrincipal? principal)
    {
        if (principal is null)
        {
            return "nobody (no Principal)";
        }

        if (principal.IsEveryone)
        {
            return "everyone";
        }

        var parts = principal.Aws.Select(a => PrincipalValue(a.Value)).Concat(principal.Services.Select(s => $"the service {s.Value}")).ToList();
        return parts.Count == 0 ? "nobody" : string.Join(", ", parts);
    }

    public static string PrincipalValue(string value)
    {
        if (value == "*")
        {
            return "every AWS principal";
        }

        if (AccountId.Parse(value).IsSuccess)
        {
            return $"account {value}";
        }

        if (PrincipalArn.Parse(value).TryGetValue(out var arn))
        {
            return arn.Kind switch
            {
                PrincipalKind.AccountRoot => $"account {arn.Account.Value}",
                PrincipalKind.User => $"IAM user {arn.Name} of account {arn.Account.Value}",
                PrincipalKind.Role => $"IAM role {arn.Name} of account {arn.Account.Value}",
                PrincipalKind.AssumedRole => $"sessions of role {arn.Name} of account {arn.Account.Value}",
                _ => value,
            };
        }

        return value;
    }

    public static string Actions(IEnumerable<string> actions)
    {
        var list = actions.Select(a => a.Contains('*', StringComparison.Ordinal) ? $"{a} (every matching action)" : a).ToList();
        return list.Count == 0 ? "no actions" : string.Join(", ", list);
    }

    /// <summary>One condition, for example "the From address must match one of invoicing*@example.com (StringLike: * is any run of characters)".</summary>
    public static string Condition(PolicyCondition c)
    {
        var op = c.Operator.Value;
        var key = c.Key.Value;
        var values = string.Join(" or ", c.Values.Select(v => v.Value));
        var set = "";
        if (op.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            set = "every ";
            op = op["ForAllValues:".Length..];
        }
        else if (op.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            set = "at least one ";
            op = op["ForAnyValue:".Length..];
        }

        var ifExists = op.EndsWith("IfExists", StringComparison.Ordinal);
        if (ifExists)
        {
            op = op[..^"IfExists".Length];
        }

        var subject = set + KeyInWords(key, plural: set.Length > 0);
        var verb = op switch
        {
            "StringEquals" => $"must be exactly {values} (case-sensitive)",
            "StringNotEquals" => $"must not be {values} (case-sensitive)",
            "StringEqualsIgnoreCase" => $"must be {values} (ignoring case)",
            "StringNotEqualsIgnoreCase" => $"must not be {values} (ignoring case)",
            "StringLike" => $"must match {values} (* is any run of characters, ? one character; case-sensitive)",
            "StringNotLike" => $"must not match {values} (* is any run of characters, ? one character)",
            "DateLessThan" => $"must be before {values}",
            "DateLessThanEquals" => $"must be at or before {values}",
            "DateGreaterThan" => $"must be after {values}",
            "DateGreaterThanEquals" => $"must be at or after {values}",
            "DateEquals" => $"must be exactly {values}",
            "DateNotEquals" => $"must not be {values}",
            "IpAddress" => $"must be in {values}",
            "NotIpAddress" => $"must not be in {values}",
            "Bool" => $"must be {values}",
            "ArnEquals" or "ArnLike" => $"must match {values}",
            "ArnNotEquals" or "ArnNotLike" => $"must not match {values}",
            "Null" => c.Values.Any(v => string.Equals(v.Value, "true", StringComparison.OrdinalIgnoreCase)) ? "must be absent" : "must be present",
            _ when op.StartsWith("Numeric", StringComparison.Ordinal) => $"{op["Numeric".Length..]} {values}",
            _ => $"{op} {values}",
        };
        var tail = ifExists ? " (when it is given)" : "";
        if (set == "every ")
        {
            tail += " (also true when there are none)";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{subject} {verb}{tail}");
    }

    public static string KeyInWords(string key, bool plural = false) => key switch
    {
        "ses:FromAddress" => "the From address",
        "ses:FromDisplayName" => "the From display name",
        "ses:Recipients" => plural ? "recipient" : "the recipients",
        "ses:FeedbackAddress" => "the feedback (Return-Path) address",
        "ses:ApiVersion" => "the API version",
        "aws:CurrentTime" => "the time of sending",
        "aws:EpochTime" => "the time of sending (epoch seconds)",
        "aws:SecureTransport" => "a secure connection (TLS)",
        "aws:SourceIp" => "the sender's IP address",
        "aws:UserAgent" => "the user agent",
        "aws:SourceAccount" => "the calling service's source account",
        "aws:SourceArn" => "the calling service's source resource",
        "aws:PrincipalOrgID" => "the sender's organization",
        "aws:PrincipalAccount" => "the sender's account",
        "aws:PrincipalArn" => "the sender's ARN",
        "aws:PrincipalType" => "the sender's principal type",
        "sts:ExternalId" => "the external ID the caller gave to AssumeRole",
        "sts:RoleSessionName" => "the session name the caller asked AssumeRole for",
        _ => key,
    };
}
