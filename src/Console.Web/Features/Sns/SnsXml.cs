using System.Security;
using System.Text;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Api;

namespace SesConsole.Web.Features.Sns;

/// <summary>SNS's XML answers: <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;</c> and <c>&lt;ErrorResponse&gt;</c>, in SNS's namespace.</summary>
public static class SnsXml
{
    public const string Namespace = "http://sns.amazonaws.com/doc/2010-03-31/";

    public static IResult Error(HttpContext context, Error error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        var status = SnsErrors.StatusOf(error.Code);
        var requestId = SesApiErrors.RequestId(context);
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var xml = $"""<ErrorResponse xmlns="{Namespace}"><Error><Type>{(status >= 500 ? "Receiver" : "Sender")}</Type><Code>{Escape(error.Code)}</Code><Message>{Escape(error.Message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>""";
        return Results.Content(xml, "text/xml", statusCode: status);
    }

    /// <summary>An answer with a result element (<paramref name="result"/> is its inner XML; null for actions that have none).</summary>
    public static IResult Result(HttpContext context, string action, string? result)
    {
        ArgumentNullException.ThrowIfNull(context);
        var requestId = SesApiErrors.RequestId(context);
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var body = result is null ? "" : $"<{action}Result>{result}</{action}Result>";
        return Results.Content(
            $"""<{action}Response xmlns="{Namespace}">{body}<ResponseMetadata><RequestId>{requestId}</RequestId></ResponseMetadata></{action}Response>""",
            "text/xml");
    }

    public static string Element(string name, string? value) => value is null ? "" : $"<{name}>{Escape(value)}</{name}>";

    public static string Attributes(IEnumerable<KeyValuePair<string, string>> attributes)
    {
        var xml = new StringBuilder("<Attributes>");
        foreach (var (key, value) in attributes)
        {
            xml.Append("<entry>").Append(Element("key", key)).Append(Element("value", value)).Append("</entry>");
        }

        return xml.Append("</Attributes>").ToString();
    }

    public static string Subscriptions(SnsPage<SnsSubscriptionRow> page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var xml = new StringBuilder("<Subscriptions>");
        foreach (var s in page.Items)
        {
            xml.Append("<member>").Append(Element("TopicArn", s.TopicArn)).Append(Element("Protocol", s.Protocol))
                .Append(Element("SubscriptionArn", s.ListedArn)).Append(Element("Owner", s.Owner)).Append(Element("Endpoint", s.Endpoint)).Append("</member>");
        }

        return xml.Append("</Subscriptions>").Append(Element("NextToken", page.NextToken)).ToString();
    }

    private static string Escape(string text) => SecurityElement.Escape(text);
}
