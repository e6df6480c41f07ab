using Microsoft.Extensions.Primitives;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// One SES API request as a handler sees it: a handler parameter (bound by ASP.NET Core through <see cref="BindAsync"/>)
/// that <see cref="SesApiAuthenticationFilter"/> fills in once the signature is verified, before the handler runs. Endpoint
/// filters run after parameter binding, so the filter completes this object rather than binding the caller itself
/// (docs/ses-api.md#the-request-pipeline). Reading <see cref="Caller"/> outside the SES API group is a bug and throws.
/// </summary>
public class SesApiRequest
{
    private ApiCaller? _caller;

    private protected SesApiRequest(HttpContext http) => Http = http;

    public HttpContext Http { get; }

    /// <summary>The authenticated caller: the access key's principal and the region its signature was scoped to.</summary>
    public ApiCaller Authenticated => _caller ?? throw new InvalidOperationException(
        "The SES API request is not authenticated: map its endpoint inside the SES API group (SesApiEndpoints.MapSesApi).");

    /// <summary>The principal of the access key that signed the request.</summary>
    public Caller Caller => Authenticated.Caller;

    /// <summary>The region of the signature's credential scope.</summary>
    public string Region => Authenticated.Region;

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>The request body as read and hashed for SigV4.</summary>
    public ReadOnlyMemory<byte> RawBody { get; private set; }

    /// <summary>The console's own URL, for links in verification mail.</summary>
    public Uri BaseUri => new($"{Http.Request.Scheme}://{Http.Request.Host}{Http.Request.PathBase}/");

    /// <summary>An SES v2 error (<c>x-amzn-ErrorType</c> + JSON): <paramref name="v2Code"/>, or the mapping of the error's code.</summary>
    public IResult Error(Error error, string? v2Code = null) => SesApiErrors.V2(Http, error, v2Code);

    public static ValueTask<SesApiRequest?> BindAsync(HttpContext context) => ValueTask.FromResult<SesApiRequest?>(new SesApiRequest(context));

    /// <summary>Called by <see cref="SesApiAuthenticationFilter"/>: the caller, and the body bound to the handler's type.</summary>
    /// <returns>The binding error to answer instead of running the handler, or null.</returns>
    internal Error? Authenticate(ApiCaller caller, byte[] body)
    {
        _caller = caller;
        RawBody = body;
        return BindBody(body);
    }

    private protected virtual Error? BindBody(ReadOnlyMemory<byte> body) => null;
}

/// <summary>
/// A v2 request with a JSON body, bound by <see cref="SesApiJson"/> to <typeparamref name="TBody"/> after authentication:
/// a wrongly typed member is answered with SES's <c>BadRequestException</c> by the filter, never reaches the handler
/// (docs/ses-api-errors.md#wrongly-typed-json-v2).
/// </summary>
public sealed class SesApiRequest<TBody> : SesApiRequest where TBody : class, new()
{
    private TBody? _body;

    private SesApiRequest(HttpContext http)
        : base(http)
    {
    }

    /// <summary>The bound body (an empty body is an empty <typeparamref name="TBody"/>).</summary>
    public TBody Body => _body ?? throw new InvalidOperationException("The SES API request body is bound after authentication.");

    public static new ValueTask<SesApiRequest<TBody>?> BindAsync(HttpContext context) => ValueTask.FromResult<SesApiRequest<TBody>?>(new SesApiRequest<TBody>(context));

    private protected override Error? BindBody(ReadOnlyMemory<byte> body)
    {
        var bound = SesApiJson.Bind<TBody>(body);
        if (!bound.IsSuccess)
        {
            return bound.Error;
        }

        _body = bound.Value;
        return null;
    }
}

/// <summary>
/// One v1 (Query) request as its action's handler sees it: the authenticated caller, the <c>Action</c>, the form fields
/// (parsed once by <see cref="SesApiV1"/>), and SES's v1 answer shapes (docs/ses-api.md#v1-actions).
/// </summary>
public sealed class V1Request
{
    private readonly Dictionary<string, StringValues> _form;

    internal V1Request(SesApiRequest api, string action, Dictionary<string, StringValues> form)
    {
        Api = api;
        Action = action;
        _form = form;
    }

    public SesApiRequest Api { get; }

    public string Action { get; }

    public HttpContext Http => Api.Http;

    public Caller Caller => Api.Caller;

    public string Region => Api.Region;

    public CancellationToken Aborted => Api.Aborted;

    /// <summary>The form fields, names compared ordinally (AWS parameter names are case-sensitive).</summary>
    public IReadOnlyDictionary<string, StringValues> Form => _form;

    /// <summary>A field's value, or null when the form does not have it.</summary>
    public string? Field(string name) => _form.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    /// <summary>A list parameter (<c>Prefix.member.1</c>, <c>Prefix.member.2</c>, …) in member order.</summary>
    public IReadOnlyList<string> Members(string prefix) => SesApiErrors.Members(_form, prefix);

    /// <summary>The v1 success: <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;<paramref name="resultXml"/>…</c>.</summary>
    public IResult Result(string resultXml) => SesApiErrors.V1Result(Http, Action, resultXml);

    /// <summary>A v1 <c>&lt;ErrorResponse&gt;</c>: <paramref name="v1Code"/>, or the mapping of the error's code.</summary>
    public IResult Error(Error error, string? v1Code = null) => SesApiErrors.V1(Http, error, v1Code);

    /// <summary>Set by the v1 dispatcher before it runs the action's handler.</summary>
    public static ValueTask<V1Request?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(context.Features.Get<V1Request>());
    }
}

/// <summary>Endpoint metadata: the error shape of an endpoint (v1 XML or v2 JSON), read by the filters on their error paths only.</summary>
public sealed class SesApiDialect
{
    public static readonly SesApiDialect V1 = new(ErrorDialect.V1);
    public static readonly SesApiDialect V2 = new(ErrorDialect.V2);

    private SesApiDialect(ErrorDialect dialect) => Dialect = dialect;

    public ErrorDialect Dialect { get; }

    /// <summary>The dialect of the endpoint serving <paramref name="context"/> (v1 when it has none).</summary>
    public static ErrorDialect Of(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<SesApiDialect>()?.Dialect ?? ErrorDialect.V1;

    /// <summary>The error in the endpoint's dialect.</summary>
    public static IResult Error(HttpContext context, Error error) =>
        Of(context) == ErrorDialect.V2 ? SesApiErrors.V2(context, error) : SesApiErrors.V1(context, error);
}
