using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using SesConsole.Domain.Authentication;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Api;
using SesConsole.Web.Features.Sts;
using SesConsole.Web.Notifications;

namespace SesConsole.Web.Features.Sns;

/// <summary>
/// The SNS Query API at the console's endpoint (docs/notifications.md#sns-api): <c>POST /</c> with a form body
/// (<c>Action=…&amp;Version=2010-03-31</c>), SigV4-signed for the service <c>sns</c> by an access key or STS session
/// credentials. SES and STS share the path; the signature's credential scope tells them apart (<see cref="StsRouting"/>).
/// Also the unsigned links the console puts in SNS messages: <see cref="SnsUrls.ConfirmPath"/> and
/// <see cref="SnsUrls.UnsubscribePath"/>. Answers and errors are SNS's XML.
/// </summary>
public static class SnsEndpoints
{
    public const string ApiVersion = "2010-03-31";
    public const string SigningName = "sns";

    private static readonly string[] Actions =
    [
        "CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes", "SetTopicAttributes", "Subscribe", "ConfirmSubscription",
        "Unsubscribe", "ListSubscriptions", "ListSubscriptionsByTopic", "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Publish",
    ];

    /// <summary>Maps <c>POST /</c> for SNS (ranked before SES's v1 endpoint; kept only for SNS requests) and the two links.</summary>
    public static IEndpointRouteBuilder MapSnsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/", HandleAsync)
            .WithMetadata(new SigningServiceMetadata(SigningName))
            .DisableAntiforgery()
            .WithOrder(-3);
        endpoints.MapGet(SnsUrls.ConfirmPath, ConfirmLinkAsync);
        endpoints.MapGet(SnsUrls.UnsubscribePath, UnsubscribeLinkAsync);
        return endpoints;
    }

    /// <summary>
    /// Whether a request at <c>POST /</c> is SNS's: signed with a credential scoped to <c>sns</c>, or an unsigned
    /// <c>ConfirmSubscription</c> named in the query string (SNS answers that one without a signature).
    /// </summary>
    public static bool IsSnsRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            return request.Query["Action"] == "ConfirmSubscription";
        }

        if (!authorization.Contains("/" + SigningName + "/aws4_request", StringComparison.Ordinal))
        {
            return false;
        }

        var parsed = SigV4Verifier.ParseAuthorization(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["authorization"] = authorization });
        return parsed.IsSuccess && parsed.Value.Credential.Service == SigningName;
    }

    /// <summary>Handles one SNS request.</summary>
    public static async Task<IResult> HandleAsync(HttpContext context, SesApiAuthentication authentication, SnsService sns, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(sns);
        ArgumentNullException.ThrowIfNull(loggers);
        var ct = context.RequestAborted;
        try
        {
            return await DispatchAsync(context, authentication, sns, ct);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            loggers.CreateLogger(typeof(SnsEndpoints)).LogError(ex, "SNS request failed.");
            return SnsXml.Error(context, new Error(SnsErrors.InternalError, "Request could not be completed."));
        }
    }

    private static async Task<IResult> DispatchAsync(HttpContext context, SesApiAuthentication authentication, SnsService sns, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, ct);
        var body = buffer.ToArray();
        var form = new Dictionary<string, StringValues>(QueryHelpers.ParseQuery(context.Request.QueryString.Value), StringComparer.Ordinal);
        foreach (var (key, value) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
        {
            form[key] = value;
        }

        string? Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
        var action = Field("Action") ?? "";
        var signed = context.Request.Headers.Authorization.Count > 0;
        if (!signed && action == "ConfirmSubscription")
        {
            return await ConfirmAsync(context, sns, Field("TopicArn"), Field("Token"), Field("AuthenticateOnUnsubscribe"), ct);
        }

        var auth = await authentication.AuthenticateAsync(context, body, SigningName, ct);
        if (!auth.IsSuccess)
        {
            return SnsXml.Error(context, auth.Error);
        }

        if (Field("Version") is { } version && version != ApiVersion || Array.IndexOf(Actions, action) < 0)
        {
            return SnsXml.Error(context, new Error(SnsErrors.InvalidAction, $"Could not find operation {action} for version {Field("Version") ?? "(none)"}"));
        }

        var caller = SnsCaller.ForApi(auth.Value, context);
        switch (action)
        {
            case "CreateTopic":
            {
                var created = await sns.CreateTopicAsync(caller, Field("Name"), Map(form, "Attributes.entry", "key", "value"), Map(form, "Tags.member", "Key", "Value"), ct);
                return Answer(context, action, created, arn => SnsXml.Element("TopicArn", arn));
            }

            case "DeleteTopic":
                return Answer(context, action, await sns.DeleteTopicAsync(caller, Field("TopicArn"), ct));
            case "ListTopics":
            {
                var page = await sns.ListTopicsAsync(caller, Field("NextToken"), ct);
                return Answer(context, action, page, p =>
                    "<Topics>" + string.Concat(p.Items.Select(t => $"<member>{SnsXml.Element("TopicArn", t.Arn)}</member>")) + "</Topics>" + SnsXml.Element("NextToken", p.NextToken));
            }

            case "GetTopicAttributes":
                return Answer(context, action, await sns.GetTopicAttributesAsync(caller, Field("TopicArn"), ct), SnsXml.Attributes);
            case "SetTopicAttributes":
                return Answer(context, action, await sns.SetTopicAttributesAsync(caller, Field("TopicArn"), Field("AttributeName"), Field("AttributeValue"), ct));
            case "Subscribe":
            {
                var subscribed = await sns.SubscribeAsync(caller, Field("TopicArn"), Field("Protocol"), Field("Endpoint"), Map(form, "Attributes.entry", "key", "value"),
                    string.Equals(Field("ReturnSubscriptionArn"), "true", StringComparison.OrdinalIgnoreCase), ct);
                return Answer(context, action, subscribed, arn => SnsXml.Element("SubscriptionArn", arn));
            }

            case "ConfirmSubscription":
                return await ConfirmAsync(context, sns, Field("TopicArn"), Field("Token"), Field("AuthenticateOnUnsubscribe"), ct);
            case "Unsubscribe":
                return Answer(context, action, await sns.UnsubscribeAsync(caller, Field("SubscriptionArn"), ct));
            case "ListSubscriptions":
                return Answer(context, action, await sns.ListSubscriptionsAsync(caller, Field("NextToken"), ct), SnsXml.Subscriptions);
            case "ListSubscriptionsByTopic":
                return Answer(context, action, await sns.ListSubscriptionsByTopicAsync(caller, Field("TopicArn"), Field("NextToken"), ct), SnsXml.Subscriptions);
            case "GetSubscriptionAttributes":
                return Answer(context, action, await sns.GetSubscriptionAttributesAsync(caller, Field("SubscriptionArn"), ct), SnsXml.Attributes);
            case "SetSubscriptionAttributes":
                return Answer(context, action, await sns.SetSubscriptionAttributesAsync(caller, Field("SubscriptionArn"), Field("AttributeName"), Field("AttributeValue"), ct));
            default:
            {
                if (Field("TargetArn") is not null || Field("PhoneNumber") is not null)
                {
                    return SnsXml.Error(context, SnsErrors.Invalid("TargetArn and PhoneNumber are not supported by this console; publish to a TopicArn."));
                }

                var attributes = MessageAttributes(form);
                if (!attributes.IsSuccess)
                {
                    return SnsXml.Error(context, attributes.Error);
                }

                var published = await sns.PublishAsync(caller, Field("TopicArn"), Field("Message"), Field("Subject"), attributes.Value, ct);
                return Answer(context, action, published, id => SnsXml.Element("MessageId", id));
            }
        }
    }

    /// <summary><c>GET /sns/confirm?TopicArn=…&amp;Token=…</c>: the SubscribeURL, unsigned.</summary>
    public static async Task<IResult> ConfirmLinkAsync(HttpContext context, SnsService sns)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sns);
        var q = context.Request.Query;
        return await ConfirmAsync(context, sns, q["TopicArn"].FirstOrDefault(), q["Token"].FirstOrDefault(), q["AuthenticateOnUnsubscribe"].FirstOrDefault(), context.RequestAborted);
    }

    /// <summary><c>GET /sns/unsubscribe?SubscriptionArn=…</c>: the UnsubscribeURL, unsigned.</summary>
    public static async Task<IResult> UnsubscribeLinkAsync(HttpContext context, SnsService sns)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sns);
        return Answer(context, "Unsubscribe", await sns.UnsubscribeAsync(null, context.Request.Query["SubscriptionArn"].FirstOrDefault(), context.RequestAborted));
    }

    private static async Task<IResult> ConfirmAsync(HttpContext context, SnsService sns, string? topicArn, string? token, string? authenticateOnUnsubscribe, CancellationToken ct)
    {
        var confirmed = await sns.ConfirmSubscriptionAsync(topicArn, token, string.Equals(authenticateOnUnsubscribe, "true", StringComparison.OrdinalIgnoreCase), ct);
        return Answer(context, "ConfirmSubscription", confirmed, arn => SnsXml.Element("SubscriptionArn", arn));
    }

    private static IResult Answer<T>(HttpContext context, string action, Result<T> result, Func<T, string> render) =>
        result.IsSuccess ? SnsXml.Result(context, action, render(result.Value!)) : SnsXml.Error(context, result.Error);

    private static IResult Answer(HttpContext context, string action, Result result) =>
        result.IsSuccess ? SnsXml.Result(context, action, null) : SnsXml.Error(context, result.Error);

    /// <summary>A Query-protocol map: <c>PREFIX.N.KEY</c> / <c>PREFIX.N.VALUE</c> for N = 1, 2, … until a gap.</summary>
    private static Dictionary<string, string> Map(Dictionary<string, StringValues> form, string prefix, string key, string value)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var n = 1; form.TryGetValue($"{prefix}.{n}.{key}", out var k); n++)
        {
            map[k.ToString()] = form.TryGetValue($"{prefix}.{n}.{value}", out var v) ? v.ToString() : "";
        }

        return map;
    }

    /// <summary><c>MessageAttributes.entry.N.Name</c> / <c>.Value.DataType</c> / <c>.Value.StringValue|BinaryValue</c> as JSON (name → {Type, Value}).</summary>
    private static Result<string?> MessageAttributes(Dictionary<string, StringValues> form)
    {
        var attributes = new SortedDictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        for (var n = 1; form.TryGetValue($"MessageAttributes.entry.{n}.Name", out var name); n++)
        {
            var p = $"MessageAttributes.entry.{n}.Value.";
            var type = form.TryGetValue(p + "DataType", out var t) ? t.ToString() : "";
            if (!(type is "String" or "Number" or "Binary" or "String.Array" || type.StartsWith("String.", StringComparison.Ordinal) ||
                  type.StartsWith("Number.", StringComparison.Ordinal) || type.StartsWith("Binary.", StringComparison.Ordinal)))
            {
                return SnsErrors.Invalid($"The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
            }

            var text = form.TryGetValue(p + (type.StartsWith("Binary", StringComparison.Ordinal) ? "BinaryValue" : "StringValue"), out var v) ? v.ToString() : "";
            if (text.Length == 0)
            {
                return SnsErrors.Invalid($"The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{type}'.");
            }

            attributes[name.ToString()] = new Dictionary<string, string> { ["Type"] = type, ["Value"] = text };
        }

        return attributes.Count == 0 ? Result<string?>.Success(null) : JsonSerializer.Serialize(attributes);
    }
}
