using System.Security;
using System.Text.Json;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// Turns errors into the shapes the AWS SDKs parse (tests/sdk-client; docs/ses-api-errors.md): v2 REST-JSON with
/// <c>x-amzn-ErrorType</c> plus <c>{"__type","message"}</c>; v1 awsQuery <c>&lt;ErrorResponse&gt;</c> XML. Both carry
/// <c>x-amzn-RequestId</c>. The HTTP status always comes from the code, through <see cref="SesErrorCodes"/>.
/// </summary>
public static class SesApiErrors
{
    /// <summary>The v1 error code and the v2 exception for the console's error codes and the AWS ones used as is.</summary>
    public static (string V1, string V2) Map(string code) => code switch
    {
        "MissingAuthenticationToken" => ("MissingAuthenticationToken", "MissingAuthenticationTokenException"),
        "IncompleteSignature" => ("IncompleteSignature", "IncompleteSignatureException"),
        "InvalidClientTokenId" => ("InvalidClientTokenId", "UnrecognizedClientException"),
        "ExpiredToken" => ("ExpiredToken", "ExpiredTokenException"),
        "SignatureDoesNotMatch" => ("SignatureDoesNotMatch", "InvalidSignatureException"),
        "RequestExpired" => ("RequestExpired", "InvalidSignatureException"),
        "InternalFailure" => ("InternalFailure", "InternalFailure"),
        "InvalidAction" => ("InvalidAction", "UnknownOperationException"),
        "auth.root_only" or "auth.no_account" or "AccessDenied" => ("AccessDenied", "AccessDeniedException"),
        "identity.not_found" => ("InvalidParameterValue", "NotFoundException"),
        "identity.exists" => ("InvalidParameterValue", "AlreadyExistsException"),
        "identity.limit" => ("LimitExceeded", "LimitExceededException"),
        "policy.already_exists" => ("InvalidParameterValue", "AlreadyExistsException"),
        "policy.not_found" => ("InvalidParameterValue", "NotFoundException"),
        "policy.invalid" => ("InvalidPolicy", "BadRequestException"),
        "policy.limit_exceeded" => ("InvalidParameterValue", "LimitExceededException"),
        "policy_name.too_long" => ("ValidationError", "BadRequestException"),
        "suppression.not_found" => ("InvalidParameterValue", "NotFoundException"),
        "configuration_set.not_found" => ("ConfigurationSetDoesNotExist", "NotFoundException"),
        "configuration_set.exists" => ("ConfigurationSetAlreadyExists", "AlreadyExistsException"),
        "configuration_set.invalid_name" => ("InvalidConfigurationSet", "BadRequestException"),
        "configuration_set.limit" => ("LimitExceeded", "LimitExceededException"),
        "event_destination.not_found" => ("EventDestinationDoesNotExist", "NotFoundException"),
        "event_destination.exists" => ("EventDestinationAlreadyExists", "AlreadyExistsException"),
        "event_destination.limit" => ("LimitExceeded", "LimitExceededException"),
        "event_destination.invalid_sns" => ("InvalidSNSDestination", "BadRequestException"),
        "event_destination.cloudwatch_unavailable" => ("InvalidCloudWatchDestination", "BadRequestException"),
        "event_destination.firehose_unavailable" => ("InvalidFirehoseDestination", "BadRequestException"),
        "AlreadyExists" => ("AlreadyExists", "AlreadyExistsException"),
        "TemplateDoesNotExist" => ("TemplateDoesNotExist", "NotFoundException"),
        "InvalidTemplate" or "MissingRenderingAttribute" or "InvalidRenderingParameter" => (code, "BadRequestException"),
        "LimitExceeded" => ("LimitExceeded", "LimitExceededException"),
        _ => ("InvalidParameterValue", "BadRequestException"),
    };

    /// <summary>A v2 error: <paramref name="v2Code"/> (or the mapping of the error's code) and that exception's status.</summary>
    public static IResult V2(HttpContext context, Error error, string? v2Code = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var code = v2Code ?? Map(error.Code).V2;
        context.Response.Headers["x-amzn-ErrorType"] = code;
        context.Response.Headers["x-amzn-RequestId"] = RequestId(context);
        return Results.Json(new Dictionary<string, string> { ["__type"] = code, ["message"] = error.Message }, JsonOptions,
            statusCode: SesErrorCodes.V2Status(code));
    }

    /// <summary>A v1 error: <paramref name="v1Code"/> (or the mapping of the error's code) and that code's status.</summary>
    public static IResult V1(HttpContext context, Error error, string? v1Code = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var code = v1Code ?? Map(error.Code).V1;
        var httpStatus = SesErrorCodes.V1Status(code);
        context.Response.Headers["x-amzn-RequestId"] = RequestId(context);
        var xml = $"""<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>{(httpStatus >= 500 ? "Receiver" : "Sender")}</Type><Code>{SecurityElement.Escape(code)}</Code><Message>{SecurityElement.Escape(error.Message)}</Message></Error><RequestId>{RequestId(context)}</RequestId></ErrorResponse>""";
        return Results.Content(xml, "text/xml", statusCode: httpStatus);
    }

    /// <summary>SES's answer to a failure of its own: <c>InternalFailure</c>, 500, without any detail of the exception.</summary>
    public static IResult InternalFailure(HttpContext context, ErrorDialect dialect)
    {
        var error = new Error("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.");
        return dialect == ErrorDialect.V1 ? V1(context, error) : V2(context, error);
    }

    /// <summary>A v1 success: <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;…&lt;/ActionResult&gt;&lt;ResponseMetadata/&gt;</c>.</summary>
    public static IResult V1Result(HttpContext context, string action, string result) =>
        Results.Content(
            $"""<{action}Response xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{RequestId(context)}</RequestId></ResponseMetadata></{action}Response>""",
            "text/xml");

    /// <summary>A v1 list parameter (<c>Prefix.member.1</c>, <c>Prefix.member.2</c>, …) in member order.</summary>
    public static IReadOnlyList<string> Members(IReadOnlyDictionary<string, Microsoft.Extensions.Primitives.StringValues> form, string prefix)
    {
        var start = prefix + ".member.";
        return [.. form.Where(f => f.Key.StartsWith(start, StringComparison.Ordinal))
            .Select(f => (Index: int.TryParse(f.Key.AsSpan(start.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue, Value: f.Value.ToString()))
            .OrderBy(m => m.Index)
            .Select(m => m.Value)];
    }

    public static string RequestId(HttpContext context)
    {
        if (context.Items["ses-request-id"] is not string id)
        {
            id = Guid.NewGuid().ToString();
            context.Items["ses-request-id"] = id;
        }

        return id;
    }

    private static readonly JsonSerializerOptions JsonOptions = new();
}
