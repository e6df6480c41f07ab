using System.Text.Json;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Templates;

namespace SesConsole.Web.Sending.Templates;

/// <summary>
/// The status of one destination of a bulk send, as SES names them (docs/templates.md#bulk-sending): v1
/// <c>BulkEmailDestinationStatus.Status</c> (<c>Success</c>, …) and v2 <c>BulkEmailEntryResult.Status</c> (<c>SUCCESS</c>, …).
/// </summary>
public enum BulkEntryStatus
{
    Success,
    MessageRejected,
    MailFromDomainNotVerified,
    ConfigurationSetDoesNotExist,
    TemplateDoesNotExist,
    AccountSuspended,
    AccountThrottled,
    AccountDailyQuotaExceeded,
    AccountSendingPaused,
    InvalidParameterValue,
    TransientFailure,
    Failed,
}

/// <summary>The wire names of <see cref="BulkEntryStatus"/> and the mapping from a pipeline rejection.</summary>
public static class BulkEntryStatuses
{
    /// <summary>The v1 name (<c>Success</c>, <c>AccountThrottled</c>, …).</summary>
    public static string V1(this BulkEntryStatus status) => status.ToString();

    /// <summary>The v2 name (<c>SUCCESS</c>, <c>ACCOUNT_THROTTLED</c>, <c>CONFIGURATION_SET_NOT_FOUND</c>, …).</summary>
    public static string V2(this BulkEntryStatus status) => status switch
    {
        BulkEntryStatus.Success => "SUCCESS",
        BulkEntryStatus.MessageRejected => "MESSAGE_REJECTED",
        BulkEntryStatus.MailFromDomainNotVerified => "MAIL_FROM_DOMAIN_NOT_VERIFIED",
        BulkEntryStatus.ConfigurationSetDoesNotExist => "CONFIGURATION_SET_NOT_FOUND",
        BulkEntryStatus.TemplateDoesNotExist => "TEMPLATE_NOT_FOUND",
        BulkEntryStatus.AccountSuspended => "ACCOUNT_SUSPENDED",
        BulkEntryStatus.AccountThrottled => "ACCOUNT_THROTTLED",
        BulkEntryStatus.AccountDailyQuotaExceeded => "ACCOUNT_DAILY_QUOTA_EXCEEDED",
        BulkEntryStatus.AccountSendingPaused => "ACCOUNT_SENDING_PAUSED",
        BulkEntryStatus.InvalidParameterValue => "INVALID_PARAMETER",
        BulkEntryStatus.TransientFailure => "TRANSIENT_FAILURE",
        _ => "FAILED",
    };

    /// <summary>
    /// The entry status of a pipeline rejection (docs/templates.md#bulk-sending). An access denial of one entry (a
    /// condition such as <c>ses:Recipients</c> that only some entries fail) is <see cref="BulkEntryStatus.MessageRejected"/>
    /// with SES's access-denied sentence as the entry's error.
    /// </summary>
    public static BulkEntryStatus Of(SendErrorKind kind) => kind switch
    {
        SendErrorKind.InvalidParameterValue or SendErrorKind.MalformedMessage => BulkEntryStatus.InvalidParameterValue,
        SendErrorKind.MessageTooLarge or SendErrorKind.NotVerified or SendErrorKind.AccessDenied => BulkEntryStatus.MessageRejected,
        SendErrorKind.AccountSendingPaused => BulkEntryStatus.AccountSendingPaused,
        SendErrorKind.AccountSuspended => BulkEntryStatus.AccountSuspended,
        SendErrorKind.DailyQuotaExceeded => BulkEntryStatus.AccountDailyQuotaExceeded,
        SendErrorKind.MaxSendRateExceeded => BulkEntryStatus.AccountThrottled,
        SendErrorKind.MailFromDomainNotVerified => BulkEntryStatus.MailFromDomainNotVerified,
        SendErrorKind.ConfigurationSetDoesNotExist => BulkEntryStatus.ConfigurationSetDoesNotExist,
        _ => BulkEntryStatus.Failed,
    };
}

/// <summary>One destination of a bulk send: its recipients, its own template data (replaces the default) and its tags.</summary>
/// <param name="To">To addresses.</param>
/// <param name="Cc">Cc addresses.</param>
/// <param name="Bcc">Bcc addresses.</param>
/// <param name="ReplacementTemplateData">v1 <c>ReplacementTemplateData</c> / v2 <c>ReplacementTemplate.ReplacementTemplateData</c>; null: the default data.</param>
/// <param name="ReplacementTags">v1 <c>ReplacementTags</c> / v2 <c>ReplacementTags</c>: override the default tags of the same name.</param>
public sealed record BulkDestination(
    IReadOnlyList<string> To,
    IReadOnlyList<string>? Cc = null,
    IReadOnlyList<string>? Bcc = null,
    string? ReplacementTemplateData = null,
    IReadOnlyDictionary<string, string>? ReplacementTags = null)
{
    /// <summary>This entry's custom headers, on top of the shared content's (<see cref="MessageHeaderRules.Merge"/>).</summary>
    public IReadOnlyList<RawHeader> ReplacementHeaders { get; init; } = [];
}

/// <summary>One entry's result: its status, the MessageId of an accepted message, else the error sentence.</summary>
public sealed record BulkEntryResult(BulkEntryStatus Status, string? MessageId, string? Error)
{
    /// <summary>The pipeline's steps for this destination (none for one refused for its data before the pipeline): the test-send page shows them.</summary>
    public IReadOnlyList<StepTrace> Trace { get; init; } = [];
}

/// <summary>An error for the whole call, as each API spells it (v1 code, v2 exception, their statuses and messages).</summary>
public sealed record SendCallError(WireError V1, WireError V2)
{
    public WireError For(ErrorDialect dialect) => dialect == ErrorDialect.V1 ? V1 : V2;

    /// <summary>v1 <c>InvalidParameterValue</c> / v2 <c>BadRequestException</c>.</summary>
    public static SendCallError InvalidParameter(string message) =>
        new(new WireError("InvalidParameterValue", SesErrorCodes.V1Status("InvalidParameterValue"), message),
            new WireError("BadRequestException", SesErrorCodes.V2Status("BadRequestException"), message));

    /// <summary>v1 <c>TemplateDoesNotExist</c> / v2 <c>NotFoundException</c>: <c>Template NAME does not exist.</c></summary>
    public static SendCallError TemplateDoesNotExist(string name) =>
        new(new WireError("TemplateDoesNotExist", SesErrorCodes.V1Status("TemplateDoesNotExist"), $"Template {name} does not exist."),
            new WireError("NotFoundException", SesErrorCodes.V2Status("NotFoundException"), $"Template {name} does not exist."));

    /// <summary>The pipeline's rejection, as the single-message sends answer it.</summary>
    public static SendCallError Of(SendRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new(rejection.V1, rejection.V2);
    }
}

/// <summary>A templated send's answer: the MessageId, or the error of the call.</summary>
public sealed record TemplatedSendResult(string? MessageId, SendCallError? Error, SendOutcome? Outcome);

/// <summary>A bulk send's answer: one result per destination in request order, or the error of the whole call.</summary>
public sealed record BulkSendResult(IReadOnlyList<BulkEntryResult> Entries, SendCallError? Error);

/// <summary>
/// Templated and bulk sending (docs/templates.md#templated-sending, docs/templates.md#bulk-sending): finds the template in
/// the <em>sender's</em> (delegate's) account and the request's region, renders it per message with the
/// <see cref="TemplateRenderer"/>'s per-version cache, and sends each message through the one pipeline
/// (<see cref="SendService"/>) under the same sending authorization as any other send — the action checked is the API's
/// (<c>ses:SendTemplatedEmail</c>, <c>ses:SendBulkTemplatedEmail</c>, v2 bulk also <c>ses:SendBulkEmail</c>). A message
/// whose template cannot be rendered is still accepted, with <see cref="SimpleContent.RenderingFailure"/> set: no mail,
/// a Rendering Failure event. A bulk call's accepted messages are made durable in one group commit.
/// </summary>
public sealed class TemplatedSender(EmailTemplateStore templates, TemplateRenderer renderer, SendService sender)
{
    /// <summary>
    /// v1 SendTemplatedEmail / v2 SendEmail with a stored template. <paramref name="request"/>'s content is a
    /// <see cref="SimpleContent"/> carrying the recipients (and Reply-To); its subject and bodies are rendered here.
    /// </summary>
    public Task<TemplatedSendResult> SendTemplatedAsync(SendRequest request, string api, string templateName, string? templateData, CancellationToken ct) =>
        SendOneAsync(request, api, templateName, null, templateData, ct);

    /// <summary>v2 SendEmail with an inline <c>TemplateContent</c> (rendered without the cache).</summary>
    public Task<TemplatedSendResult> SendTemplatedAsync(SendRequest request, string api, EmailTemplate inline, string? templateData, CancellationToken ct) =>
        SendOneAsync(request, api, null, inline ?? throw new ArgumentNullException(nameof(inline)), templateData, ct);

    /// <summary>
    /// v1 SendBulkTemplatedEmail / v2 SendBulkEmail with a stored template: one message per entry of
    /// <paramref name="entries"/> (1 to <see cref="TemplateRules.MaxBulkDestinations"/>), each through the pipeline
    /// (authorization, condition keys, quota per entry). <paramref name="request"/> carries what the entries share
    /// (Source, ARNs, Return-Path, configuration set, default tags, Reply-To in a <see cref="SimpleContent"/>).
    /// </summary>
    public Task<BulkSendResult> SendBulkAsync(SendRequest request, string api, string templateName, string? defaultData,
        IReadOnlyList<BulkDestination> entries, CancellationToken ct) =>
        SendBulkCoreAsync(request, api, templateName, null, defaultData, entries, ct);

    /// <summary>v2 SendBulkEmail with an inline <c>TemplateContent</c>.</summary>
    public Task<BulkSendResult> SendBulkAsync(SendRequest request, string api, EmailTemplate inline, string? defaultData,
        IReadOnlyList<BulkDestination> entries, CancellationToken ct) =>
        SendBulkCoreAsync(request, api, null, inline ?? throw new ArgumentNullException(nameof(inline)), defaultData, entries, ct);

    private async Task<TemplatedSendResult> SendOneAsync(SendRequest request, string api, string? templateName, EmailTemplate? inline,
        string? templateData, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is not SimpleContent content)
        {
            throw new ArgumentException("A templated send carries a SimpleContent with its recipients.", nameof(request));
        }

        if (!IsJsonObject(templateData))
        {
            return new TemplatedSendResult(null, SendCallError.InvalidParameter("TemplateData is not a JSON object."), null);
        }

        var template = await ResolveAsync(request, templateName, inline, ct);
        if (template.Error is { } missing)
        {
            return new TemplatedSendResult(null, missing, null);
        }

        var rendered = template.Render(renderer, templateData);
        if (rendered.Error is { Kind: TemplateRenderErrorKind.InvalidData } invalid)
        {
            return new TemplatedSendResult(null, SendCallError.InvalidParameter(invalid.Message), null);
        }

        var outcome = await sender.SendAsync(request with { Content = Apply(content, template.Name, templateData, rendered) }, api, ct);
        return outcome.Rejection is { } rejection
            ? new TemplatedSendResult(null, SendCallError.Of(rejection), outcome)
            : new TemplatedSendResult(outcome.MessageId, null, outcome);
    }

    private async Task<BulkSendResult> SendBulkCoreAsync(SendRequest request, string api, string? templateName, EmailTemplate? inline,
        string? defaultData, IReadOnlyList<BulkDestination> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(entries);
        var shared = request.Content as SimpleContent ?? new SimpleContent([]);
        if (entries.Count is 0 or > TemplateRules.MaxBulkDestinations)
        {
            return new BulkSendResult([], SendCallError.InvalidParameter(
                $"A bulk send needs 1 to {TemplateRules.MaxBulkDestinations} destinations; the request has {entries.Count}."));
        }

        if (!IsJsonObject(defaultData))
        {
            return new BulkSendResult([], SendCallError.InvalidParameter("DefaultTemplateData is not a JSON object."));
        }

        var template = await ResolveAsync(request, templateName, inline, ct);
        if (template.Error is { } missing)
        {
            return new BulkSendResult([], missing);
        }

        // Render each entry first (the renderer caches the compiled template per version); an entry whose data is not a
        // JSON object is refused alone and never reaches the pipeline.
        var results = new BulkEntryResult?[entries.Count];
        var requests = new List<SendRequest>(entries.Count);
        var positions = new List<int>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var data = entry.ReplacementTemplateData ?? defaultData;
            var rendered = IsJsonObject(data) ? template.Render(renderer, data) : null;
            if (rendered is null || rendered.Error is { Kind: TemplateRenderErrorKind.InvalidData })
            {
                results[i] = new BulkEntryResult(BulkEntryStatus.InvalidParameterValue, null,
                    rendered?.Error?.Message ?? "ReplacementTemplateData is not a JSON object.");
                continue;
            }

            var content = new SimpleContent(entry.To, entry.Cc, entry.Bcc, ReplyTo: shared.ReplyTo)
            {
                Headers = MessageHeaderRules.Merge(shared.Headers, entry.ReplacementHeaders),
            };
            requests.Add(request with { Content = Apply(content, template.Name, data, rendered), Tags = MergeTags(request.Tags, entry.ReplacementTags) });
            positions.Add(i);
        }

        var outcomes = await sender.SendManyAsync(requests, api, ct);

        // Not authorized at all: every entry the pipeline saw was refused as the caller (AccessDenied, or no valid caller;
        // entries refused for their data never reach it). The call is answered with that error, as a single send would
        // be (docs/templates.md#bulk-sending).
        if (outcomes.Count > 0 &&
            outcomes.All(o => o.Rejection?.Error.Kind is SendErrorKind.AccessDenied or SendErrorKind.InvalidCaller))
        {
            return new BulkSendResult([], SendCallError.Of(outcomes[0].Rejection!));
        }

        for (var j = 0; j < outcomes.Count; j++)
        {
            var outcome = outcomes[j];
            results[positions[j]] = (outcome.Rejection is { } rejection
                ? new BulkEntryResult(BulkEntryStatuses.Of(rejection.Error.Kind), null, rejection.For(request.Api.Dialect()).Message)
                : new BulkEntryResult(BulkEntryStatus.Success, outcome.MessageId, null)) with { Trace = outcome.Trace };
        }

        return new BulkSendResult([.. results.Select(r => r!)], null);
    }

    /// <summary>The stored template of the sending account (or the inline one); a missing one is the call's error.</summary>
    private async Task<ResolvedTemplate> ResolveAsync(SendRequest request, string? templateName, EmailTemplate? inline, CancellationToken ct)
    {
        if (inline is not null)
        {
            return new ResolvedTemplate(null, null, inline, null);
        }

        var name = templateName ?? "";
        var account = request.Caller.SendingAccount;
        if (account is null)
        {
            // No sending account: the pipeline refuses the caller itself (ValidateCallerStep); nothing to render.
            return new ResolvedTemplate(name, null, null, null);
        }

        var stored = name.Length == 0 ? null : await templates.FindAsync(account, request.Region, name, ct);
        return stored is null
            ? new ResolvedTemplate(name, null, null, SendCallError.TemplateDoesNotExist(name))
            : new ResolvedTemplate(name, stored, null, null);
    }

    /// <summary>The content with the rendered parts, or with <see cref="SimpleContent.RenderingFailure"/> when the template did not render.</summary>
    private static SimpleContent Apply(SimpleContent content, string? templateName, string? data, TemplateRendering rendering) =>
        rendering.Rendered is { } r
            ? content with { Subject = r.Subject, TextBody = r.Text, HtmlBody = r.Html, TemplateName = templateName, TemplateData = data }
            : content with { TemplateName = templateName, TemplateData = data, RenderingFailure = rendering.Error?.Message ?? "The template could not be rendered." };

    /// <summary>The default tags with the entry's tags of the same name replaced and its other tags added.</summary>
    private static IReadOnlyDictionary<string, string>? MergeTags(IReadOnlyDictionary<string, string>? defaults, IReadOnlyDictionary<string, string>? replacements)
    {
        if (replacements is null || replacements.Count == 0)
        {
            return defaults;
        }

        var merged = new Dictionary<string, string>(defaults ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in replacements)
        {
            merged[name] = value;
        }

        return merged;
    }

    /// <summary>Absent or empty data is an empty object (docs/templates.md#rendering); present data must be a JSON object.</summary>
    internal static bool IsJsonObject(string? data)
    {
        if (string.IsNullOrWhiteSpace(data))
        {
            return true;
        }

        try
        {
            using var doc = JsonDocument.Parse(data);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The template a send uses: stored (<see cref="Name"/> is its name), inline (no name), or none for a caller the pipeline will refuse.</summary>
    private sealed record ResolvedTemplate(string? Name, StoredTemplate? Stored, EmailTemplate? Inline, SendCallError? Error)
    {
        public TemplateRendering Render(TemplateRenderer renderer, string? data) =>
            Stored is not null ? renderer.Render(Stored, data)
            : Inline is not null ? renderer.Render(Inline, data)
            : new TemplateRendering(new RenderedTemplate("", null, null), null);
    }
}
