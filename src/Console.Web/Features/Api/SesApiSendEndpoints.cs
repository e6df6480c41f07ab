using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
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

    public static async Task<IResult> V2SendEmailAsync(HttpContext context, ApiCaller api, SendEmailRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
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
                return SesApiErrors.V2(context, new Error("InvalidParameterValue", "Content.Raw.Data is not base64."));
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
            return SesApiErrors.V2(context, new Error("InvalidParameterValue", "Content must have Simple or Raw (templates are not supported here)."));
        }

        var fromArn = body.FromEmailAddressIdentityArn;
        var request = await RequestAsync(context, api, apiKind, sendContent) with
        {
            Source = body.FromEmailAddress,
            SourceArn = fromArn,
            FromArn = fromArn,
            ReturnPath = body.FeedbackForwardingEmailAddress,
            ReturnPathArn = body.FeedbackForwardingEmailAddressIdentityArn,
            Destinations = apiKind == SendApi.V2Raw && destination is not null ? [.. to, .. cc, .. bcc] : null,
            ConfigurationSetName = body.ConfigurationSetName,
        };
        var outcome = await context.RequestServices.GetRequiredService<SendService>().SendAsync(request, "SendEmail (v2)", context.RequestAborted);
        if (outcome.Rejection is { } rejection)
        {
            var wire = rejection.V2;
            return SesApiErrors.V2(context, new Error(wire.Code, wire.Message), wire.Code);
        }

        return Results.Json(new { outcome.MessageId }, PascalCase);
    }

    public static async Task<IResult?> V1SendAsync(HttpContext context, ApiCaller api, string action, Dictionary<string, StringValues> form)
    {
        string? Field(string name) => form.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;
        IReadOnlyList<string> Members(string prefix) => SesApiErrors.Members(form, prefix);

        SendRequest request;
        if (action == "SendEmail")
        {
            var content = new SimpleContent(Members("Destination.ToAddresses"), Members("Destination.CcAddresses"), Members("Destination.BccAddresses"),
                Field("Message.Subject.Data"), Field("Message.Body.Text.Data"), Field("Message.Body.Html.Data"), Members("ReplyToAddresses"));
            request = await RequestAsync(context, api, SendApi.V1SendEmail, content) with
            {
                Source = Field("Source"), SourceArn = Field("SourceArn"), ReturnPath = Field("ReturnPath"), ReturnPathArn = Field("ReturnPathArn"),
                ConfigurationSetName = Field("ConfigurationSetName"),
            };
        }
        else if (action == "SendRawEmail")
        {
            byte[] mime;
            try
            {
                mime = Convert.FromBase64String(Field("RawMessage.Data") ?? "");
            }
            catch (FormatException)
            {
                return SesApiErrors.V1(context, new Error("InvalidParameterValue", "RawMessage.Data is not base64."));
            }

            var destinations = Members("Destinations");
            request = await RequestAsync(context, api, SendApi.V1SendRawEmail, new RawContent(mime)) with
            {
                Source = Field("Source"), SourceArn = Field("SourceArn"), FromArn = Field("FromArn"), ReturnPathArn = Field("ReturnPathArn"),
                Destinations = destinations.Count > 0 ? destinations : null, ConfigurationSetName = Field("ConfigurationSetName"),
            };
        }
        else
        {
            return null;
        }

        var outcome = await context.RequestServices.GetRequiredService<SendService>().SendAsync(request, $"{action} (v1)", context.RequestAborted);
        if (outcome.Rejection is { } rejection)
        {
            var wire = rejection.V1;
            return SesApiErrors.V1(context, new Error(wire.Code, wire.Message), wire.Code);
        }

        return SesApiErrors.V1Result(context, action, $"<MessageId>{SecurityElement.Escape(outcome.MessageId)}</MessageId>");
    }

    private static async Task<SendRequest> RequestAsync(HttpContext context, ApiCaller api, SendApi kind, SendContent content)
    {
        var sender = context.RequestServices.GetRequiredService<SendService>();
        var caller = await sender.CallerAsync(api.Caller, context.Connection.RemoteIpAddress?.ToString(), context.Request.IsHttps, context.RequestAborted);
        caller = caller with { UserAgent = context.Request.Headers.UserAgent.ToString() };
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        return new SendRequest(caller, kind, api.Region, time.GetUtcNow(), content);
    }

    private static List<string> Strings(List<string?>? values) => values is null ? [] : [.. values.OfType<string>()];
}
