using System.Globalization;
using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Authorization;

/// <summary>One request value with its typed forms precomputed, so evaluation never parses or allocates.</summary>
internal readonly struct RequestValue
{
    public RequestValue(string text)
    {
        Text = text;
        HasNumber = ValueParsers.TryParseNumber(text, out var number);
        Number = number;
        HasDate = ValueParsers.TryParseDate(text, out var ticks);
        DateTicks = ticks;
        HasBool = ValueParsers.TryParseBool(text, out var b);
        Bool = b;
        HasIp = ValueParsers.TryParseIp(text, out var ip);
        Ip = ip;
    }

    public string Text { get; }

    public bool HasNumber { get; }

    public double Number { get; }

    public bool HasDate { get; }

    public long DateTicks { get; }

    public bool HasBool { get; }

    public bool Bool { get; }

    public bool HasIp { get; }

    public IpValue Ip { get; }
}

/// <summary>
/// A request to authorize: principal, action, resource (identity ARN) and condition-key context. All derived forms
/// (lower-case action, typed key values, the resource's owner account) are computed here, once, so that evaluating
/// compiled policies against it allocates nothing.
/// </summary>
/// <remarks>Immutable and thread-safe; reuse one instance across any number of evaluations.</remarks>
public sealed class AuthorizationRequest
{
    private readonly RequestValue[]?[] _values = new RequestValue[]?[PolicyCatalog.KeyCount];

    public AuthorizationRequest(RequestPrincipal principal, string action, string resource, RequestContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        Principal = principal;
        Action = action ?? "";
        Resource = resource ?? "";
        Context = context ?? RequestContext.Empty;
        LowerAction = Action.ToLowerInvariant();
        var parts = Resource.Split(':');
        ResourceAccount = parts.Length >= 6 ? parts[4] : null;

        var c = Context;
        Set(ConditionKey.FromAddress, c.FromAddress);
        Set(ConditionKey.FromDisplayName, c.FromDisplayName);
        if (c.Recipients is not null)
        {
            var recipients = new RequestValue[c.Recipients.Count];
            for (var i = 0; i < recipients.Length; i++)
            {
                recipients[i] = new RequestValue(c.Recipients[i] ?? "");
            }

            _values[(int)ConditionKey.Recipients] = recipients;
        }

        Set(ConditionKey.FeedbackAddress, c.FeedbackAddress);
        Set(ConditionKey.ApiVersion, c.ApiVersion);
        if (c.CurrentTime is { } now)
        {
            Set(ConditionKey.CurrentTime, now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            Set(ConditionKey.EpochTime, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }

        Set(ConditionKey.SecureTransport, c.SecureTransport switch { true => "true", false => "false", null => null });
        Set(ConditionKey.SourceIp, c.SourceIp);
        Set(ConditionKey.UserAgent, c.UserAgent);
        Set(ConditionKey.SourceAccount, c.SourceAccount);
        Set(ConditionKey.SourceArn, c.SourceArn);
        Set(ConditionKey.PrincipalOrgId, c.PrincipalOrgId ?? principal.OrganizationId);
        Set(ConditionKey.PrincipalAccount, c.PrincipalAccount ?? principal.Account);
        Set(ConditionKey.PrincipalArn, c.PrincipalArn ?? (principal.IsService ? null : principal.RoleArn ?? principal.Arn));
        Set(ConditionKey.PrincipalType, c.PrincipalType ?? principal.PrincipalTypeValue);
        Set(ConditionKey.ExternalId, c.ExternalId);
        Set(ConditionKey.RoleSessionName, c.RoleSessionName);
    }

    public RequestPrincipal Principal { get; }

    /// <summary>The action as given, for example <c>ses:SendEmail</c>.</summary>
    public string Action { get; }

    /// <summary>The resource ARN, normally the identity ARN the delegate named.</summary>
    public string Resource { get; }

    public RequestContext Context { get; }

    internal string LowerAction { get; }

    /// <summary>The account segment of <see cref="Resource"/> (the identity owner), if it is an ARN.</summary>
    public string? ResourceAccount { get; }

    internal RequestValue[]? Values(ConditionKey key) => _values[(int)key];

    /// <summary>The request's values for <paramref name="key"/>; null when the key is absent.</summary>
    public IReadOnlyList<string>? GetValues(ConditionKey key)
    {
        var values = _values[(int)key];
        if (values is null)
        {
            return null;
        }

        var texts = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            texts[i] = values[i].Text;
        }

        return texts;
    }

    private void Set(ConditionKey key, string? value)
    {
        if (value is not null)
        {
            _values[(int)key] = [new RequestValue(value)];
        }
    }
}
