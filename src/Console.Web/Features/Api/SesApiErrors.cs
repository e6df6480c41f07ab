using System.Security;
using System.Text.Json;
using SesConsole.Domain.Primitives;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// Turns errors into the shapes the AWS SDKs parse (tests/sdk-client and docs/ses-behaviour.md#wire-shapes): v2 REST-JSON
/// with <c>x-amzn-ErrorType</c> plus <c>{"__type","message"}</c>; v1 awsQuery <c>&lt;ErrorResponse&gt;</c> XML. Both carry
/// <c>x-amzn-RequestId</c>.
/// </summary>
public static class SesApiErrors
{
    /// <summary>(v1 code, v2 exception, HTTP status) for the console's error codes and the AWS ones used as is.</summary>
    public static (string V1, string V2, int Status) Map(string code) => code switch
    {
        "MissingAuthenticationToken" => ("MissingAuthenticationToken", "MissingAuthenticationTokenException", 403),
        "IncompleteSignature" => ("IncompleteSignature", "IncompleteSignatureException", 403),
        "InvalidClientTokenId" => ("InvalidClientTokenId", "UnrecognizedClientException", 403),
        "ExpiredToken" => ("ExpiredToken", "ExpiredTokenException", 403),
        "SignatureDoesNotMatch" => ("SignatureDoesNotMatch", "InvalidSignatureException", 403),
        "RequestExpired" => ("RequestExpired", "InvalidSignatureException", 403),
        "InvalidParameterValue" => ("InvalidParameterValue", "BadRequestException", 400),
        "auth.root_only" or "auth.no_account" or "AccessDenied" => ("AccessDenied", "AccessDeniedException", 403),
        "identity.not_found" => ("InvalidParameterValue", "NotFoundException", 404),
        "identity.exists" => ("InvalidParameterValue", "AlreadyExistsException", 400),
        "identity.limit" => ("LimitExceeded", "LimitExceededException", 400),
        "policy.already_exists" => ("InvalidParameterValue", "AlreadyExistsException", 400),
        "policy.not_found" => ("InvalidParameterValue", "NotFoundException", 404),
        "policy.invalid" => ("InvalidPolicy", "BadRequestException", 400),
        "policy.limit_exceeded" => ("InvalidParameterValue", "LimitExceededException", 400),
        "policy_name.too_long" => ("ValidationError", "BadRequestException", 400),
        "policy_name.required" or "policy_name.invalid" => ("InvalidParameterValue", "BadRequestException", 400),
        _ when code.StartsWith("identity.", StringComparison.Ordinal) || code.StartsWith("dkim.", StringComparison.Ordinal)
            => ("InvalidParameterValue", "BadRequestException", 400),
        _ => ("InvalidParameterValue", "BadRequestException", 400),
    };

    public static IResult V2(HttpContext context, Error error, string? v2Code = null, int? status = null)
    {
        var (_, mapped, mappedStatus) = Map(error.Code);
        var code = v2Code ?? mapped;
        context.Response.Headers["x-amzn-ErrorType"] = code;
        context.Response.Headers["x-amzn-RequestId"] = RequestId(context);
        return Results.Json(new Dictionary<string, string> { ["__type"] = code, ["message"] = error.Message }, JsonOptions, statusCode: status ?? mappedStatus);
    }

    public static IResult V1(HttpContext context, Error error, string? v1Code = null, int? status = null)
    {
        var (mapped, _, mappedStatus) = Map(error.Code);
        var code = v1Code ?? mapped;
        var httpStatus = status ?? mappedStatus;
        context.Response.Headers["x-amzn-RequestId"] = RequestId(context);
        var xml = $"""<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>{(httpStatus >= 500 ? "Receiver" : "Sender")}</Type><Code>{SecurityElement.Escape(code)}</Code><Message>{SecurityElement.Escape(error.Message)}</Message></Error><RequestId>{RequestId(context)}</RequestId></ErrorResponse>""";
        return Results.Content(xml, "text/xml", statusCode: httpStatus);
    }

    /// <summary>A v1 success: <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;…&lt;/ActionResult&gt;&lt;ResponseMetadata/&gt;</c>.</summary>
    public static IResult V1Result(HttpContext context, string action, string result) =>
        Results.Content(
            $"""<{action}Response xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{RequestId(context)}</RequestId></ResponseMetadata></{action}Response>""",
            "text/xml");

    /// <summary>Parses a v2 JSON body (empty = {}), or gives the v2 BadRequestException to return.</summary>
    public static bool TryParseV2Json(HttpContext context, byte[] body, out System.Text.Json.Nodes.JsonNode? json, out IResult? error)
    {
        try
        {
            json = System.Text.Json.Nodes.JsonNode.Parse(body.Length == 0 ? "{}"u8 : body);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            json = null;
            error = V2(context, new Error("InvalidParameterValue", $"The request body is not valid JSON: {ex.Message}"), "BadRequestException", 400);
            return false;
        }
    }

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
