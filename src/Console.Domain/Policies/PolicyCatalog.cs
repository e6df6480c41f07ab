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
    ExternalId,
    RoleSessionName,
    SourceOwner,
    SnsProtocol,
    SnsEndpoint,
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
/// What policies may name: the known actions (SES send actions, the email-identity management actions of the
/// "identity authorization policies" feature, and the STS actions a role's trust policy governs) and the condition-key
/// catalogue. Which of them a policy may use depends on its <see cref="PolicyKind"/> (see <see cref="ActionsFor"/>).
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

    /// <summary>The SES actions (send and identity management); what a sending authorization policy may name.</summary>
    public static IReadOnlyList<string> AllActions { get; } = [.. SendActions, .. ManagementActions];

    /// <summary>
    /// The STS actions a role's trust policy grants (docs/sts.md): <c>sts:AssumeRole</c>, and the two session options IAM
    /// lets a trust policy name alongside it. An identity-based policy may name them too (the caller's own side of AssumeRole).
    /// </summary>
    public static IReadOnlyList<string> StsActions { get; } = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];

    /// <summary>
    /// The SNS actions a topic policy grants (docs/notifications.md#topic-policies), in SNS's own spelling. An
    /// identity-based policy may name them too (the caller's own side of an SNS request).
    /// </summary>
    public static IReadOnlyList<string> SnsActions { get; } =
    [
        "SNS:Publish", "SNS:Subscribe", "SNS:Receive", "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:DeleteTopic",
        "SNS:ListSubscriptionsByTopic", "SNS:AddPermission", "SNS:RemovePermission",
    ];

    private static readonly string[] IdentityBasedActions = [.. AllActions, .. StsActions, .. SnsActions];

    /// <summary>The actions a policy of <paramref name="kind"/> may name.</summary>
    public static IReadOnlyList<string> ActionsFor(PolicyKind kind) => kind switch
    {
        PolicyKind.Resource => AllActions,
        PolicyKind.Trust => StsActions,
        PolicyKind.Topic => SnsActions,
        _ => IdentityBasedActions,
    };

    internal static string[] LowerActionsFor(PolicyKind kind) => kind switch
    {
        PolicyKind.Resource => LowerActions,
        PolicyKind.Trust => LowerStsActions,
        PolicyKind.Topic => LowerSnsActions,
        _ => LowerIdentityBasedActions,
    };

    private static readonly string[] LowerSnsActions = [.. SnsActions.Select(a => a.ToLowerInvariant())];

    internal static readonly string[] LowerActions = [.. AllActions.Select(a => a.ToLowerInvariant())];

    private static readonly string[] LowerStsActions = [.. StsActions.Select(a => a.ToLowerInvariant())];

    private static readonly string[] LowerIdentityBasedActions = [.. IdentityBasedActions.Select(a => a.ToLowerInvariant())];

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
        ("sts:ExternalId", ConditionKey.ExternalId, ConditionValueType.Text, false),
        ("sts:RoleSessionName", ConditionKey.RoleSessionName, ConditionValueType.Text, false),
        ("aws:SourceOwner", ConditionKey.SourceOwner, ConditionValueType.Text, false),
        ("sns:Protocol", ConditionKey.SnsProtocol, ConditionValueType.Text, false),
        ("sns:Endpoint", ConditionKey.SnsEndpoint, ConditionValueType.Text, false),
    ];

    public static int KeyCount => Keys.Length;

    /// <summary>The key names a sending authorization policy may use (<c>ses:</c> and <c>aws:</c>), in their documented spelling.</summary>
    public static IReadOnlyList<string> ConditionKeyNames { get; } = ConditionKeyNamesFor(PolicyKind.Resource);

    /// <summary>
    /// The key names a policy of <paramref name="kind"/> may use: <c>ses:</c> keys exist only in a send, <c>sts:</c> keys
    /// only in an AssumeRole request, <c>sns:</c> keys only in an SNS request, <c>aws:</c> keys in all of them
    /// (<c>aws:SourceOwner</c> only in SNS's).
    /// </summary>
    public static IReadOnlyList<string> ConditionKeyNamesFor(PolicyKind kind) =>
        [.. Keys.Where(k => IsApplicable(k.Key, kind)).Select(k => k.Name)];

    /// <summary>Whether <paramref name="key"/> can be present in a request that a policy of <paramref name="kind"/> governs.</summary>
    public static bool IsApplicable(ConditionKey key, PolicyKind kind)
    {
        if (key == ConditionKey.SourceOwner)
        {
            return kind is PolicyKind.Topic or PolicyKind.IdentityBased;
        }

        var service = Keys[(int)key].Name.AsSpan(0, 3);
        return service switch
        {
            "aws" => true,
            "ses" => kind is PolicyKind.Resource or PolicyKind.IdentityBased,
            "sns" => kind is PolicyKind.Topic or PolicyKind.IdentityBased,
            _ => kind is PolicyKind.Trust or PolicyKind.IdentityBased,
        };
    }

    /// <summary>
    /// Looks a key up. The <c>ses:</c>/<c>aws:</c>/<c>sts:</c> prefix must be lowercase (SES rejected <c>AWS:SourceAccount</c>);
    /// the rest is case-insensitive, as IAM key names are.
    /// </summary>
    public static bool TryGetConditionKey(string name, out ConditionKey key) => TryGetConditionKey(name, PolicyKind.Resource, out key);

    /// <summary>
    /// Looks a key up for a policy of <paramref name="kind"/>. A topic policy's keys are case-insensitive throughout, as
    /// SNS's own default policy writes <c>AWS:SourceOwner</c>; the other kinds keep SES's lowercase prefix rule.
    /// </summary>
    public static bool TryGetConditionKey(string name, PolicyKind kind, out ConditionKey key)
    {
        ArgumentNullException.ThrowIfNull(name);
        var prefixComparison = kind == PolicyKind.Topic ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var k in Keys)
        {
            if (name.Length == k.Name.Length && name.AsSpan(0, 4).Equals(k.Name.AsSpan(0, 4), prefixComparison) &&
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

    /// <summary>Whether <paramref name="action"/> names a known SES action, case-insensitively.</summary>
    public static bool IsKnownAction(string action) => IsKnownAction(action, PolicyKind.Resource);

    /// <summary>Whether <paramref name="action"/> names an action a policy of <paramref name="kind"/> may use, case-insensitively.</summary>
    public static bool IsKnownAction(string action, PolicyKind kind)
    {
        foreach (var a in ActionsFor(kind))
        {
            if (string.Equals(a, action, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
