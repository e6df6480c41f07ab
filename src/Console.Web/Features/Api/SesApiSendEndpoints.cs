using System.Security;
using System.Text.Json;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// The send operations of the SES API, through the one send pipeline: v2 <c>POST /v2/email/outbound-emails</c>
/// (Simple and Raw content) and v1 <c>SendEmail</c> / <c>SendRawEmail</c>. Rejections use the pipeline's error table
/// (v1 code + HTTP status, v2 exception + HTTP status).
/// </summary>
public static class SesApiSendEndpoints
{
    private static readonly JsonSerializerOptions PascalCase = new();

    public static async Task<IResult> V2SendEmailAsync(SesApiRequest<SendEmailRequest> api, SendService sender, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(api);
        var body = api.Body;
        var content = body.Content;
        var destination = body.Destination;
        var to = Strings(destination?.ToAddresses);
        var cc = Strings(destination?.CcAddresses);
        var bcc = Strings(destination?.BccAddresses);
        SendApi apiKind;
        SendContent sendContent;
        if (content?.Raw?.Data is { } raw)
        {
            byte[] mime;
            try
            {
                mime = Convert.FromBase64String(raw);
            }
            catch (FormatException)
            {
                return api.Error(new Error("InvalidParameterValue", "Content.Raw.Data is not base64."));
            }

            (apiKind, sendContent) = (SendApi.V2Raw, new RawContent(mime));
        }
        else if (content?.Simple is { } simple)
        {
            (apiKind, sendContent) = (SendApi.V2Simple, new SimpleContent(to, cc, bcc,
                simple.Subject?.Data, simple.Body?.Text?.Data, simple.Body?.Html?.Data, Strings(body.ReplyToAddresses)));
        }
        else
        {
            return api.Error(new Error("InvalidParameterValue", "Content must have Simple or Raw (templates are not supported here)."));
        }

        var fromArn = body.FromEmailAddressIdentityArn;
        var request = await RequestAsync(api, sender, time, apiKind, sendContent) with
        {
            Source = body.FromEmailAddress,
            SourceArn = fromArn,
            FromArn = fromArn,
            ReturnPath = body.FeedbackForwardingEmailAddress,
            ReturnPathArn = body.FeedbackForwardingEmailAddressIdentityArn,
            Destinations = apiKind == SendApi.V2Raw && destination is not null ? [.. to, .. cc, .. bcc] : null,
            ConfigurationSetName = body.ConfigurationSetName,
        };
        var outcome = await sender.SendAsync(request, "SendEmail (v2)", api.Aborted);
        if (outcome.Rejection is { } rejection)
        {
            var wire = rejection.V2;
            return api.Error(new Error(wire.Code, wire.Message), wire.Code);
        }

        return Results.Json(new { outcome.MessageId }, PascalCase);
    }

    public static async Task<IResult> V1SendEmailAsync(V1Request request, SendService sender, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = new SimpleContent(request.Members("Destination.ToAddresses"), request.Members("Destination.CcAddresses"), request.Members("Destination.BccAddresses"),
            request.Field("Message.Subject.Data"), request.Field("Message.Body.Text.Data"), request.Field("Message.Body.Html.Data"), request.Members("ReplyToAddresses"));
        var send = await RequestAsync(request.Api, sender, time, SendApi.V1SendEmail, content) with
        {
            Source = request.Field("Source"), SourceArn = request.Field("SourceArn"), ReturnPath = request.Field("ReturnPath"), ReturnPathArn = request.Field("ReturnPathArn"),
            ConfigurationSetName = request.Field("ConfigurationSetName"),
        };
        return await V1SendAsync(request, sender, send);
    }

    public static async Task<IResult> V1SendRawEmailAsync(V1Request request, SendService sender, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] mime;
        try
        {
            mime = Convert.FromBase64String(request.Field("RawMessage.Data") ?? "");
        }
        catch (FormatException)
        {
            return request.Error(new Error("InvalidParameterValue", "RawMessage.Data is not base64."));
        }

        var destinations = request.Members("Destinations");
        var send = await RequestAsync(request.Api, sender, time, SendApi.V1SendRawEmail, new RawContent(mime)) with
        {
            Source = request.Field("Source"), SourceArn = request.Field("SourceArn"), FromArn = request.Field("FromArn"), ReturnPathArn = request.Field("ReturnPathArn"),
            Destinations = destinations.Count > 0 ? destinations : null, ConfigurationSetName = request.Field("ConfigurationSetName"),
        };
        return await V1SendAsync(request, sender, send);
    }

    private static async Task<IResult> V1SendAsync(V1Request request, SendService sender, SendRequest send)
    {
        var outcome = await sender.SendAsync(send, $"{request.Action} (v1)", request.Aborted);
        if (outcome.Rejection is { } rejection)
        {
            var wire = rejection.V1;
            return request.Error(new Error(wire.Code, wire.Message), wire.Code);
        }

        return request.Result($"<MessageId>{SecurityElement.Escape(outcome.MessageId)}</MessageId>");
    }

    private static async Task<SendRequest> RequestAsync(SesApiRequest api, SendService sender, TimeProvider time, SendApi kind, SendContent content)
    {
        var context = api.Http;
        var caller = await sender.CallerAsync(api.Caller, context.Connection.RemoteIpAddress?.ToString(), context.Request.IsHttps, api.Aborted);
        caller = caller with { UserAgent = context.Request.Headers.UserAgent.ToString() };
        return new SendRequest(caller, kind, api.Region, time.GetUtcNow(), content);
    }

    private static List<string> Strings(List<string?>? values) => values is null ? [] : [.. values.OfType<string>()];
}
