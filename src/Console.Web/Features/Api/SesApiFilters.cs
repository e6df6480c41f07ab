using SesConsole.Domain.Primitives;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// The outermost filter of every SES API endpoint (and of STS's): runs the rest of the pipeline and writes its result
/// here, so that an exception from a handler, or from writing its answer, is logged and answered with SES's
/// <c>InternalFailure</c> (500) in the endpoint's shape (<see cref="SesApiDialect"/>) — never the console's error page or a
/// stack trace. A request Kestrel refuses to read (too large, malformed) is a client error, <c>InvalidParameterValue</c>
/// (docs/ses-api.md#where-errors-are-made).
/// </summary>
public sealed class SesApiErrorFilter(ILoggerFactory loggers) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        try
        {
            var value = await next(context);
            if (value is not IResult result)
            {
                return value;
            }

            await result.ExecuteAsync(http);
            return Results.Empty;
        }
        catch (Exception ex) when (!Aborted(http, ex) && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await Failure(http, ex).ExecuteAsync(http);
            return Results.Empty;
        }
    }

    private static bool Aborted(HttpContext context, Exception ex) => ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested;

    private IResult Failure(HttpContext context, Exception ex)
    {
        if (ex is BadHttpRequestException bad)
        {
            return SesApiDialect.Error(context, new Error("InvalidParameterValue", bad.Message));
        }

        loggers.CreateLogger(typeof(SesApiEndpoints)).LogError(ex, "SES API {Method} {Path} failed (request {RequestId}); answered InternalFailure",
            context.Request.Method, context.Request.Path, SesApiErrors.RequestId(context));
        return SesApiErrors.InternalFailure(context, SesApiDialect.Of(context));
    }
}

/// <summary>
/// SigV4 for the SES API group, as an endpoint filter: reads the body once (SigV4 signs its hash), verifies the signature
/// for the signing name <c>ses</c> through <see cref="SesApiAuthentication"/>, and on failure answers SES's error in the
/// endpoint's shape without running the handler. On success it completes the handler's <see cref="SesApiRequest"/>
/// parameter (the caller, and a v2 body bound to its type) and stamps <c>x-amzn-RequestId</c> (docs/ses-api.md#authentication).
/// </summary>
public sealed class SesApiAuthenticationFilter(SesApiAuthentication authentication) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var body = await ReadBodyAsync(http);
        var caller = await authentication.AuthenticateAsync(http, body, SesApiEndpoints.SigningName, http.RequestAborted);
        if (!caller.IsSuccess)
        {
            return SesApiDialect.Error(http, caller.Error);
        }

        http.Response.Headers["x-amzn-RequestId"] = SesApiErrors.RequestId(http);
        var arguments = context.Arguments;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is SesApiRequest request && request.Authenticate(caller.Value, body) is { } invalid)
            {
                return SesApiDialect.Error(http, invalid);
            }
        }

        return await next(context);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }
}
