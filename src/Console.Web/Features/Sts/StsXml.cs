using System.Security;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Api;

namespace SesConsole.Web.Features.Sts;

/// <summary>STS's XML answers: <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;</c> and <c>&lt;ErrorResponse&gt;</c>, in STS's namespace.</summary>
public static class StsXml
{
    /// <summary>The HTTP status STS answers with for an error code.</summary>
    public static int StatusOf(string code) => code switch
    {
        "AccessDenied" or "ExpiredToken" or "InvalidClientTokenId" or "SignatureDoesNotMatch" or "MissingAuthenticationToken" or "RegionDisabledException" => 403,
        "InternalFailure" => 500,
        _ => 400,
    };

    public static IResult Error(HttpContext context, Error error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        var status = StatusOf(error.Code);
        var requestId = SesApiErrors.RequestId(context);
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var xml = $"""<ErrorResponse xmlns="{StsEndpoints.Namespace}"><Error><Type>{(status >= 500 ? "Receiver" : "Sender")}</Type><Code>{SecurityElement.Escape(error.Code)}</Code><Message>{SecurityElement.Escape(error.Message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>""";
        return Results.Content(xml, "text/xml", statusCode: status);
    }

    public static IResult Result(HttpContext context, string action, string result) =>
        Results.Content(
            $"""<{action}Response xmlns="{StsEndpoints.Namespace}"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{SesApiErrors.RequestId(context)}</RequestId></ResponseMetadata></{action}Response>""",
            "text/xml");
}
