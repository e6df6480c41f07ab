using System.Security;
using System.Text.Json;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Templates;
using SesConsole.Web.Sending;
using SesConsole.Web.Sending.Templates;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// The send operations of the SES API, through the one send pipeline: v2 <c>POST /v2/email/outbound-emails</c>
/// (Simple, Raw and Template content) and <c>POST /v2/email/outbound-bulk-emails</c>, v1 <c>SendEmail</c> /
/// <c>SendRawEmail</c> / <c>SendTemplatedEmail</c> / <c>SendBulkTemplatedEmail</c> (the templated ones through
/// <see cref="TemplatedSender"/>, docs/templates.md#templated-sending). Rejections use the pipeline's error table
/// (v1 code + HTTP status, v2 exception + HTTP status).
/// </summary>
public static class SesApiSendEndpoints
{
    private static readonly JsonSerializerOptions PascalCase = new();

    public static async Task<IResult> V2SendEmailAsync(SesApiRequest<SendEmailRequest> api, SendService sender, TemplatedSender templated, TimeProvider time)
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
                simple.Subject?.Data, simple.Body?.Text?.Data, simple.Body?.Html?.Data, Strings(body.ReplyToAddresses)) { Headers = Headers(simple.Headers) });
        }
        else if (content?.Template is { } template)
        {
            (apiKind, sendContent) = (SendApi.V2Template, new SimpleContent(to, cc, bcc, ReplyTo: Strings(body.ReplyToAddresses)) { Headers = Headers(template.Headers) });
        }
        else
        {
            return api.Error(new Error("InvalidParameterValue", "Content must have Simple, Raw or Template."));
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
        if (apiKind == SendApi.V2Template && content?.Template is { } templateMember)
        {
            request = request with { Tags = Tags(body.EmailTags) };
            var reference = TemplateReference.V2(templateMember, request);
            if (reference.Error is { } refused)
            {
                return V2Error(api, refused);
            }

            var sent = reference.Inline is { } inline
                ? await templated.SendTemplatedAsync(request, "SendEmail (v2)", inline, templateMember.TemplateData, api.Aborted)
                : await templated.SendTemplatedAsync(request, "SendEmail (v2)", reference.Name!, templateMember.TemplateData, api.Aborted);
            return sent.Error is { } callError ? V2Error(api, callError) : Results.Json(new { sent.MessageId }, PascalCase);
        }

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

    /// <summary>v2 SendBulkEmail (<c>POST /v2/email/outbound-bulk-emails</c>, docs/templates.md#bulk-sending).</summary>
    public static async Task<IResult> V2SendBulkEmailAsync(SesApiRequest<SendBulkEmailRequest> api, SendService sender, TemplatedSender templated, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(api);
        var body = api.Body;
        if (body.DefaultContent?.Template is not { } templateMember)
        {
            return api.Error(new Error("InvalidParameterValue", "DefaultContent.Template is required."));
        }

        var entries = (body.BulkEmailEntries ?? []).Select(e => new BulkDestination(
            Strings(e?.Destination?.ToAddresses), Strings(e?.Destination?.CcAddresses), Strings(e?.Destination?.BccAddresses),
            e?.ReplacementEmailContent?.ReplacementTemplate?.ReplacementTemplateData, Tags(e?.ReplacementTags)) { ReplacementHeaders = Headers(e?.ReplacementHeaders) }).ToList();
        var fromArn = body.FromEmailAddressIdentityArn;
        var request = await RequestAsync(api, sender, time, SendApi.V2Bulk, new SimpleContent([], ReplyTo: Strings(body.ReplyToAddresses)) { Headers = Headers(templateMember.Headers) }) with
        {
            Source = body.FromEmailAddress,
            SourceArn = fromArn,
            FromArn = fromArn,
            ReturnPath = body.FeedbackForwardingEmailAddress,
            ReturnPathArn = body.FeedbackForwardingEmailAddressIdentityArn,
            ConfigurationSetName = body.ConfigurationSetName,
            Tags = Tags(body.DefaultEmailTags),
        };
        var reference = TemplateReference.V2(templateMember, request);
        if (reference.Error is { } refused)
        {
            return V2Error(api, refused);
        }

        var sent = reference.Inline is { } inline
            ? await templated.SendBulkAsync(request, "SendBulkEmail (v2)", inline, templateMember.TemplateData, entries, api.Aborted)
            : await templated.SendBulkAsync(request, "SendBulkEmail (v2)", reference.Name!, templateMember.TemplateData, entries, api.Aborted);
        if (sent.Error is { } callError)
        {
            return V2Error(api, callError);
        }

        return Results.Json(new
        {
            BulkEmailEntryResults = sent.Entries.Select(e => new BulkEntryJson(e.Status.V2(), e.Error, e.MessageId)).ToArray(),
        }, OmitNulls);
    }

    /// <summary>v1 SendTemplatedEmail (docs/templates.md#templated-sending).</summary>
    public static async Task<IResult> V1SendTemplatedEmailAsync(V1Request request, SendService sender, TemplatedSender templated, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = new SimpleContent(request.Members("Destination.ToAddresses"), request.Members("Destination.CcAddresses"), request.Members("Destination.BccAddresses"),
            ReplyTo: request.Members("ReplyToAddresses"));
        var send = await V1TemplatedRequestAsync(request, sender, time, SendApi.V1SendTemplatedEmail, content, "Tags");
        var reference = TemplateReference.V1(request.Field("Template"), request.Field("TemplateArn"), send);
        if (reference.Error is { } refused)
        {
            return V1Error(request, refused);
        }

        var sent = await templated.SendTemplatedAsync(send, $"{request.Action} (v1)", reference.Name!, request.Field("TemplateData"), request.Aborted);
        return sent.Error is { } callError
            ? V1Error(request, callError)
            : request.Result($"<MessageId>{SecurityElement.Escape(sent.MessageId)}</MessageId>");
    }

    /// <summary>v1 SendBulkTemplatedEmail (docs/templates.md#bulk-sending).</summary>
    public static async Task<IResult> V1SendBulkTemplatedEmailAsync(V1Request request, SendService sender, TemplatedSender templated, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entries = new List<BulkDestination>();
        for (var n = 1; ; n++)
        {
            var prefix = $"Destinations.member.{n}.";
            if (!request.Form.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                break;
            }

            entries.Add(new BulkDestination(request.Members(prefix + "Destination.ToAddresses"), request.Members(prefix + "Destination.CcAddresses"),
                request.Members(prefix + "Destination.BccAddresses"), request.Field(prefix + "ReplacementTemplateData"), V1Tags(request, prefix + "ReplacementTags")));
        }

        var send = await V1TemplatedRequestAsync(request, sender, time, SendApi.V1SendBulkTemplatedEmail,
            new SimpleContent([], ReplyTo: request.Members("ReplyToAddresses")), "DefaultTags");
        var reference = TemplateReference.V1(request.Field("Template"), request.Field("TemplateArn"), send);
        if (reference.Error is { } refused)
        {
            return V1Error(request, refused);
        }

        var sent = await templated.SendBulkAsync(send, $"{request.Action} (v1)", reference.Name!, request.Field("DefaultTemplateData"), entries, request.Aborted);
        if (sent.Error is { } callError)
        {
            return V1Error(request, callError);
        }

        var members = string.Concat(sent.Entries.Select(e =>
            $"<member><Status>{e.Status.V1()}</Status>" +
            (e.MessageId is null ? "" : $"<MessageId>{SecurityElement.Escape(e.MessageId)}</MessageId>") +
            (e.Error is null ? "" : $"<Error>{SecurityElement.Escape(e.Error)}</Error>") + "</member>"));
        return request.Result($"<Status>{members}</Status>");
    }

    private static async Task<SendRequest> V1TemplatedRequestAsync(V1Request request, SendService sender, TimeProvider time, SendApi kind, SimpleContent content, string tagsPrefix) =>
        await RequestAsync(request.Api, sender, time, kind, content) with
        {
            Source = request.Field("Source"), SourceArn = request.Field("SourceArn"), ReturnPath = request.Field("ReturnPath"), ReturnPathArn = request.Field("ReturnPathArn"),
            ConfigurationSetName = request.Field("ConfigurationSetName"), Tags = V1Tags(request, tagsPrefix),
        };

    private static IResult V1Error(V1Request request, SendCallError error) => request.Error(new Error(error.V1.Code, error.V1.Message), error.V1.Code);

    private static IResult V2Error(SesApiRequest api, SendCallError error) => api.Error(new Error(error.V2.Code, error.V2.Message), error.V2.Code);

    /// <summary>v1 <c>Prefix.member.N.Name</c> / <c>.Value</c> message tags; null when there are none.</summary>
    private static Dictionary<string, string>? V1Tags(V1Request request, string prefix)
    {
        Dictionary<string, string>? tags = null;
        for (var n = 1; request.Field($"{prefix}.member.{n}.Name") is { } name; n++)
        {
            (tags ??= new(StringComparer.Ordinal))[name] = request.Field($"{prefix}.member.{n}.Value") ?? "";
        }

        return tags;
    }

    private static Dictionary<string, string>? Tags(List<MessageTagMember?>? members)
    {
        Dictionary<string, string>? tags = null;
        foreach (var tag in members ?? [])
        {
            if (tag?.Name is { } name)
            {
                (tags ??= new(StringComparer.Ordinal))[name] = tag.Value ?? "";
            }
        }

        return tags;
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
        return new SendRequest(caller, kind, api.Region, time.GetUtcNow(), content) { TraceDetails = false };
    }

    private static List<string> Strings(List<string?>? values) => values is null ? [] : [.. values.OfType<string>()];

    /// <summary>The v2 <c>MessageHeader</c> list as given; a missing name or value is checked as empty (docs/ses-behaviour.md#custom-headers).</summary>
    private static List<RawHeader> Headers(List<MessageHeaderMember?>? headers) =>
        headers is null ? [] : [.. headers.Select(h => new RawHeader(h?.Name ?? "", h?.Value ?? ""))];

    private static readonly JsonSerializerOptions OmitNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private sealed record BulkEntryJson(string Status, string? Error, string? MessageId);

    /// <summary>
    /// The template a send names: a stored one by <c>Template</c>/<c>TemplateName</c>, else by the name in
    /// <c>TemplateArn</c> (which must be the sending account's, in this region: templates are not shared), or the v2
    /// inline <c>TemplateContent</c> (docs/templates.md#templated-sending).
    /// </summary>
    private sealed record TemplateReference(string? Name, EmailTemplate? Inline, SendCallError? Error)
    {
        public static TemplateReference V1(string? name, string? arn, SendRequest request) => Stored(name, arn, request);

        public static TemplateReference V2(SendTemplateMember member, SendRequest request)
        {
            if (string.IsNullOrEmpty(member.TemplateName) && string.IsNullOrEmpty(member.TemplateArn) && member.TemplateContent is { } inline)
            {
                return new TemplateReference(null, new EmailTemplate("inline", inline.Subject, inline.Text, inline.Html), null);
            }

            return Stored(member.TemplateName, member.TemplateArn, request);
        }

        private static TemplateReference Stored(string? name, string? arn, SendRequest request)
        {
            if (!string.IsNullOrEmpty(name))
            {
                return new TemplateReference(name, null, null);
            }

            if (string.IsNullOrEmpty(arn))
            {
                return new TemplateReference(null, null, SendCallError.InvalidParameter("Template or TemplateArn is required."));
            }

            // arn:aws:ses:REGION:ACCOUNT:template/NAME
            var parts = arn.Split(':', 6);
            if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "ses" || !parts[5].StartsWith("template/", StringComparison.Ordinal))
            {
                return new TemplateReference(null, null, SendCallError.InvalidParameter($"TemplateArn {arn} is not a template ARN."));
            }

            var templateName = parts[5]["template/".Length..];
            return parts[3] == request.Region && parts[4] == request.Caller.SendingAccount
                ? new TemplateReference(templateName, null, null)
                : new TemplateReference(null, null, SendCallError.TemplateDoesNotExist(templateName));
        }
    }
}
