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
/// A request to authorize: principal, action, resource (identity ARN) and condition-key context. The lower-case action
/// and the resource's owner account are computed here; a condition key's typed values the first time a policy tests
/// that key, and then kept, so evaluating compiled policies against it allocates nothing after the first look
/// (docs/send-performance.md#garbage-per-message).
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
        LowerAction = LowerOf(Action);
        ResourceAccount = AccountOf(Resource);
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

    /// <summary>
    /// The typed values of <paramref name="key"/>, made from the context the first time an evaluation asks for them: a
    /// send's policies test one or two of the two dozen keys, so the others are never built (thread-safe: two threads racing
    /// build equal values and one wins).
    /// </summary>
    internal RequestValue[]? Values(ConditionKey key)
    {
        ref var slot = ref _values[(int)key];
        var values = Volatile.Read(ref slot);
        if (values is null)
        {
            values = Interlocked.CompareExchange(ref slot, Build(key) ?? Absent, null) ?? slot;
        }

        return ReferenceEquals(values, Absent) ? null : values;
    }

    /// <summary>
    /// Marks a key the context has no value for, by reference (an empty array is a value: a request with no recipients;
    /// this one is never handed out).
    /// </summary>
    private static readonly RequestValue[] Absent = new RequestValue[1];

    private RequestValue[]? Build(ConditionKey key)
    {
        var c = Context;
        return key switch
        {
            ConditionKey.FromAddress => One(c.FromAddress),
            ConditionKey.FromDisplayName => One(c.FromDisplayName),
            ConditionKey.Recipients => c.Recipients is null ? null : [.. c.Recipients.Select(r => new RequestValue(r ?? ""))],
            ConditionKey.FeedbackAddress => One(c.FeedbackAddress),
            ConditionKey.ApiVersion => One(c.ApiVersion),
            ConditionKey.CurrentTime => c.CurrentTime is { } now ? One(now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)) : null,
            ConditionKey.EpochTime => c.CurrentTime is { } at ? One(at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)) : null,
            ConditionKey.SecureTransport => One(c.SecureTransport switch { true => "true", false => "false", null => null }),
            ConditionKey.SourceIp => One(c.SourceIp),
            ConditionKey.UserAgent => One(c.UserAgent),
            ConditionKey.SourceAccount => One(c.SourceAccount),
            ConditionKey.SourceArn => One(c.SourceArn),
            ConditionKey.PrincipalOrgId => One(c.PrincipalOrgId ?? Principal.OrganizationId),
            ConditionKey.PrincipalAccount => One(c.PrincipalAccount ?? Principal.Account),
            ConditionKey.PrincipalArn => One(c.PrincipalArn ?? (Principal.IsService ? null : Principal.RoleArn ?? Principal.Arn)),
            ConditionKey.PrincipalType => One(c.PrincipalType ?? Principal.PrincipalTypeValue),
            ConditionKey.ExternalId => One(c.ExternalId),
            ConditionKey.RoleSessionName => One(c.RoleSessionName),
            ConditionKey.SourceOwner => One(c.SourceOwner),
            ConditionKey.SnsProtocol => One(c.SnsProtocol),
            ConditionKey.SnsEndpoint => One(c.SnsEndpoint),
            _ => null,
        };
    }

    private static RequestValue[]? One(string? value) => value is null ? null : [new RequestValue(value)];

    /// <summary>The account segment of an ARN (<c>arn:partition:service:region:account:…</c>), without splitting it.</summary>
    private static string? AccountOf(string resource)
    {
        var start = 0;
        for (var i = 0; i < 4; i++)
        {
            var colon = resource.IndexOf(':', start);
            if (colon < 0)
            {
                return null;
            }

            start = colon + 1;
        }

        var end = resource.IndexOf(':', start);
        return end < 0 ? null : resource[start..end];
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> LowerActions = new(StringComparer.Ordinal);

    /// <summary>The action in lower case, kept for the few actions a deployment uses (at most 256 distinct ones are kept).</summary>
    private static string LowerOf(string action)
    {
        if (LowerActions.TryGetValue(action, out var lower))
        {
            return lower;
        }

        lower = action.ToLowerInvariant();
        if (LowerActions.Count < 256)
        {
            LowerActions.TryAdd(action, lower);
        }

        return lower;
    }

    /// <summary>The request's values for <paramref name="key"/>; null when the key is absent.</summary>
    public IReadOnlyList<string>? GetValues(ConditionKey key)
    {
        var values = Values(key);
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
}
