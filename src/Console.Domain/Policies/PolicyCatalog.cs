namespace SesConsole.Domain.Policies;

/// <summary>The condition keys SES policies may use (the catalogue in docs/ses-behaviour.md#condition-keys).</summary>
public enum ConditionKey
{
    FromAddress,
    FromDisplayName,
    Recipients,
    FeedbackAddress,
    ApiVersion,
    CurrentTime,
    EpochTime,
    SecureTransport,
    SourceIp,
    UserAgent,
    SourceAccount,
    SourceArn,
    PrincipalOrgId,
    PrincipalAccount,
    PrincipalArn,
    PrincipalType,
}

/// <summary>The value type a condition key carries (used for the operator/key mismatch warning).</summary>
public enum ConditionValueType
{
    Text,
    Date,
    Number,
    Boolean,
    IpAddress,
    Arn,
}

/// <summary>
/// What SES policies may name: the known actions (send actions and the email-identity management actions of the
/// "identity authorization policies" feature) and the condition-key catalogue.
/// </summary>
public static class PolicyCatalog
{
    /// <summary>The SES send actions (sending authorization guide) plus v2 <c>ses:SendBulkEmail</c>.</summary>
    public static IReadOnlyList<string> SendActions { get; } =
    [
        "ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail",
    ];

    /// <summary>Email-identity management actions (SES "identity authorization policies"); accepted, not used for sending.</summary>
    public static IReadOnlyList<string> ManagementActions { get; } =
    [
        "ses:GetEmailIdentity", "ses:DeleteEmailIdentity", "ses:PutEmailIdentityDkimSigningAttributes",
        "ses:PutEmailIdentityDkimAttributes", "ses:PutEmailIdentityFeedbackAttributes", "ses:PutEmailIdentityMailFromAttributes",
        "ses:PutEmailIdentityConfigurationSetAttributes", "ses:CreateEmailIdentityPolicy", "ses:UpdateEmailIdentityPolicy",
        "ses:DeleteEmailIdentityPolicy", "ses:GetEmailIdentityPolicies", "ses:ListRecommendations",
    ];

    public static IReadOnlyList<string> AllActions { get; } = [.. SendActions, .. ManagementActions];

    internal static readonly string[] LowerActions = [.. AllActions.Select(a => a.ToLowerInvariant())];

    private static readonly (string Name, ConditionKey Key, ConditionValueType Type, bool MultiValued)[] Keys =
    [
        ("ses:FromAddress", ConditionKey.FromAddress, ConditionValueType.Text, false),
        ("ses:FromDisplayName", ConditionKey.FromDisplayName, ConditionValueType.Text, false),
        ("ses:Recipients", ConditionKey.Recipients, ConditionValueType.Text, true),
        ("ses:FeedbackAddress", ConditionKey.FeedbackAddress, ConditionValueType.Text, false),
        ("ses:ApiVersion", ConditionKey.ApiVersion, ConditionValueType.Text, false),
        ("aws:CurrentTime", ConditionKey.CurrentTime, ConditionValueType.Date, false),
        ("aws:EpochTime", ConditionKey.EpochTime, ConditionValueType.Date, false),
        ("aws:SecureTransport", ConditionKey.SecureTransport, ConditionValueType.Boolean, false),
        ("aws:SourceIp", ConditionKey.SourceIp, ConditionValueType.IpAddress, false),
        ("aws:UserAgent", ConditionKey.UserAgent, ConditionValueType.Text, false),
        ("aws:SourceAccount", ConditionKey.SourceAccount, ConditionValueType.Text, false),
        ("aws:SourceArn", ConditionKey.SourceArn, ConditionValueType.Arn, false),
        ("aws:PrincipalOrgID", ConditionKey.PrincipalOrgId, ConditionValueType.Text, false),
        ("aws:PrincipalAccount", ConditionKey.PrincipalAccount, ConditionValueType.Text, false),
        ("aws:PrincipalArn", ConditionKey.PrincipalArn, ConditionValueType.Arn, false),
        ("aws:PrincipalType", ConditionKey.PrincipalType, ConditionValueType.Text, false),
    ];

    public static int KeyCount => Keys.Length;

    /// <summary>The catalogue's key names in their documented spelling.</summary>
    public static IReadOnlyList<string> ConditionKeyNames { get; } = [.. Keys.Select(k => k.Name)];

    /// <summary>
    /// Looks a key up. The <c>ses:</c>/<c>aws:</c> prefix must be lowercase (SES rejected <c>AWS:SourceAccount</c>);
    /// the rest is case-insensitive, as IAM key names are.
    /// </summary>
    public static bool TryGetConditionKey(string name, out ConditionKey key)
    {
        foreach (var k in Keys)
        {
            if (name.Length == k.Name.Length && name.StartsWith(k.Name.AsSpan(0, 4), StringComparison.Ordinal) &&
                name.AsSpan(4).Equals(k.Name.AsSpan(4), StringComparison.OrdinalIgnoreCase))
            {
                key = k.Key;
                return true;
            }
        }

        key = default;
        return false;
    }

    public static string NameOf(ConditionKey key) => Keys[(int)key].Name;

    public static ConditionValueType TypeOf(ConditionKey key) => Keys[(int)key].Type;

    public static bool IsMultiValued(ConditionKey key) => Keys[(int)key].MultiValued;

    /// <summary>Whether <paramref name="action"/> names a known action, case-insensitively.</summary>
    public static bool IsKnownAction(string action)
    {
        foreach (var a in AllActions)
        {
            if (string.Equals(a, action, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
