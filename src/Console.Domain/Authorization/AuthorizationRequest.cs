using System.Globalization;
using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Authorization;

/// <summary>
/// One request value with its typed forms parsed on first use and then kept, so evaluation parses each value at most once
/// per form and allocates nothing. Parsing every value four ways up front (number, date, boolean, IP) cost more than the
/// whole evaluation of a typical send, whose policies test one or two keys as strings (docs/send-performance.md#where-the-time-went).
/// </summary>
internal sealed class RequestValue(string text)
{
    private const int NumberParsed = 1, DateParsed = 2, BoolParsed = 4, IpParsed = 8;

    private int _parsed;
    private bool _hasNumber, _hasDate, _hasBool, _hasIp, _bool;
    private double _number;
    private long _dateTicks;
    private IpValue _ip;

    public string Text { get; } = text;

    public bool HasNumber => Parsed(NumberParsed) ? _hasNumber : ParseNumber();

    public double Number => HasNumber ? _number : 0;

    public bool HasDate => Parsed(DateParsed) ? _hasDate : ParseDate();

    public long DateTicks => HasDate ? _dateTicks : 0;

    public bool HasBool => Parsed(BoolParsed) ? _hasBool : ParseBool();

    public bool Bool => HasBool && _bool;

    public bool HasIp => Parsed(IpParsed) ? _hasIp : ParseIp();

    public IpValue Ip => HasIp ? _ip : default;

    private bool Parsed(int form) => (Volatile.Read(ref _parsed) & form) != 0;

    // Each parse is idempotent: two threads racing on one value compute the same result; the flag is set after the value.
    private bool ParseNumber()
    {
        _hasNumber = ValueParsers.TryParseNumber(Text, out _number);
        Interlocked.Or(ref _parsed, NumberParsed);
        return _hasNumber;
    }

    private bool ParseDate()
    {
        _hasDate = ValueParsers.TryParseDate(Text, out _dateTicks);
        Interlocked.Or(ref _parsed, DateParsed);
        return _hasDate;
    }

    private bool ParseBool()
    {
        _hasBool = ValueParsers.TryParseBool(Text, out _bool);
        Interlocked.Or(ref _parsed, BoolParsed);
        return _hasBool;
    }

    private bool ParseIp()
    {
        _hasIp = ValueParsers.TryParseIp(Text, out _ip);
        Interlocked.Or(ref _parsed, IpParsed);
        return _hasIp;
    }
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
        Set(ConditionKey.SourceOwner, c.SourceOwner);
        Set(ConditionKey.SnsProtocol, c.SnsProtocol);
        Set(ConditionKey.SnsEndpoint, c.SnsEndpoint);
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
