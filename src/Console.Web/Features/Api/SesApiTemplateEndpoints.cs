using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Templates;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending.Templates;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// Email templates through the SES API, over <see cref="EmailTemplateStore"/> and <see cref="TemplateRenderer"/>, in the
/// caller's own account and the signature's region (each account has its own namespace of names): v2
/// Create/Get/Update/Delete/ListEmailTemplates and TestRenderEmailTemplate; v1 Create/Get/Update/Delete/ListTemplates and
/// TestRenderTemplate. Any member of the account may read and test-render; only the root changes them, as with
/// configuration sets. Errors, limits and what differs from SES: docs/templates.md#template-api.
/// </summary>
public static class SesApiTemplateEndpoints
{
    /// <summary>SES's page size of ListTemplates when none is asked for.</summary>
    public const int DefaultPageSize = 10;

    /// <summary>SES's largest page of ListTemplates / ListEmailTemplates.</summary>
    public const int MaxPageSize = 100;

    private static readonly JsonSerializerOptions PascalCase = new();

    private static readonly Error RootOnly = new("auth.root_only", "Only the account's root user can change email templates.");

    private static readonly Error NoAccount = new("auth.no_account", "This sign-in does not belong to an account, so it has no email templates.");

    public static async Task<IResult> V2CreateAsync(SesApiRequest<CreateEmailTemplateRequest> api, EmailTemplateStore store, TemplateRenderer renderer, Audit.AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(api);
        var request = api.Body;
        if (CheckWriter(api.Caller) is { } denied)
        {
            return api.Error(denied);
        }

        if (request.TemplateContent is not { } content)
        {
            return api.Error(new Error("InvalidParameterValue", "TemplateContent is required."));
        }

        var template = new EmailTemplate(request.TemplateName ?? "", content.Subject, content.Text, content.Html);
        if (CheckSyntax(renderer, template) is { } invalid)
        {
            return api.Error(invalid);
        }

        var created = await store.CreateAsync(api.Caller, actor, api.Region, template, api.Aborted);
        return created.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(created.Error);
    }

    public static async Task<IResult> V2GetAsync(SesApiRequest api, EmailTemplateStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(api);
        var found = await FindAsync(api.Caller, api.Region, store, name, api.Aborted);
        if (!found.IsSuccess)
        {
            return api.Error(found.Error);
        }

        var t = found.Value.Template;
        return Results.Json(new
        {
            TemplateName = t.Name,
            TemplateContent = new { t.Subject, t.Text, t.Html },
            Tags = Array.Empty<object>(),
        }, PascalCase);
    }

    public static async Task<IResult> V2UpdateAsync(SesApiRequest<UpdateEmailTemplateRequest> api, EmailTemplateStore store, TemplateRenderer renderer, Audit.AuditActor actor, string name)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (CheckWriter(api.Caller) is { } denied)
        {
            return api.Error(denied);
        }

        if (api.Body.TemplateContent is not { } content)
        {
            return api.Error(new Error("InvalidParameterValue", "TemplateContent is required."));
        }

        var template = new EmailTemplate(name, content.Subject, content.Text, content.Html);
        if (CheckSyntax(renderer, template) is { } invalid)
        {
            return api.Error(invalid);
        }

        var updated = await store.UpdateAsync(api.Caller, actor, api.Region, template, api.Aborted);
        return updated.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(updated.Error);
    }

    /// <summary>DeleteEmailTemplate: <c>NotFoundException</c> for a name the account does not have (the sesv2 model declares it).</summary>
    public static async Task<IResult> V2DeleteAsync(SesApiRequest api, EmailTemplateStore store, Audit.AuditActor actor, string name)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (CheckWriter(api.Caller) is { } denied)
        {
            return api.Error(denied);
        }

        return await store.DeleteAsync(api.Caller, actor, api.Region, name, api.Aborted)
            ? Results.Json(new { }, PascalCase)
            : api.Error(EmailTemplateStore.DoesNotExist(name));
    }

    /// <summary>ListEmailTemplates as the SDKs send it: <c>GET /v2/email/templates?PageSize=&amp;NextToken=</c>, by name.</summary>
    public static async Task<IResult> V2ListAsync(SesApiRequest api, EmailTemplateStore store,
        [FromQuery(Name = "PageSize")] string? pageSize, [FromQuery(Name = "NextToken")] string? nextToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (api.Caller.AccountId is null)
        {
            return api.Error(NoAccount);
        }

        var size = V2PageSize(pageSize);
        if (!size.IsSuccess)
        {
            return api.Error(size.Error);
        }

        var page = await ListAsync(store, api.Caller.AccountId, api.Region, size.Value, nextToken, api.Aborted);
        return page.IsSuccess
            ? Results.Json(new
            {
                TemplatesMetadata = page.Value.Items.Select(t => new { TemplateName = t.Template.Name, CreatedTimestamp = t.CreatedAt.ToUnixTimeSeconds() }),
                page.Value.NextToken,
            }, PascalCase)
            : api.Error(page.Error);
    }

    /// <summary>TestRenderEmailTemplate: the stored template with <c>TemplateData</c>, as the MIME message a send would carry.</summary>
    public static async Task<IResult> V2TestRenderAsync(SesApiRequest<TestRenderEmailTemplateRequest> api, EmailTemplateStore store,
        TemplateRenderer renderer, string name)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(renderer);
        var found = await FindAsync(api.Caller, api.Region, store, name, api.Aborted);
        if (!found.IsSuccess)
        {
            return api.Error(found.Error);
        }

        if (api.Body.TemplateData is not { } data)
        {
            return api.Error(new Error("InvalidParameterValue", "TemplateData is required."));
        }

        var rendering = renderer.Render(found.Value, data);
        return rendering.Rendered is { } rendered
            ? Results.Json(new { RenderedTemplate = TemplateRenderer.ToMime(rendered) }, PascalCase)
            : api.Error(RenderError(rendering.Error!));
    }

    public static async Task<IResult> V1CreateAsync(V1Request request, EmailTemplateStore store, TemplateRenderer renderer, Audit.AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (CheckWriter(request.Caller) is { } denied)
        {
            return request.Error(denied);
        }

        var template = V1Template(request);
        if (CheckSyntax(renderer, template) is { } invalid)
        {
            return request.Error(invalid);
        }

        var created = await store.CreateAsync(request.Caller, actor, request.Region, template, request.Aborted);
        return created.IsSuccess ? request.Result("") : request.Error(created.Error);
    }

    public static async Task<IResult> V1GetAsync(V1Request request, EmailTemplateStore store)
    {
        ArgumentNullException.ThrowIfNull(request);
        var found = await FindAsync(request.Caller, request.Region, store, request.Field("TemplateName") ?? "", request.Aborted);
        if (!found.IsSuccess)
        {
            return request.Error(found.Error);
        }

        var t = found.Value.Template;
        var body = new StringBuilder("<Template>");
        Element(body, "TemplateName", t.Name);
        Element(body, "SubjectPart", t.Subject);
        Element(body, "TextPart", t.Text);
        Element(body, "HtmlPart", t.Html);
        return request.Result(body.Append("</Template>").ToString());
    }

    public static async Task<IResult> V1UpdateAsync(V1Request request, EmailTemplateStore store, TemplateRenderer renderer, Audit.AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (CheckWriter(request.Caller) is { } denied)
        {
            return request.Error(denied);
        }

        var template = V1Template(request);
        if (CheckSyntax(renderer, template) is { } invalid)
        {
            return request.Error(invalid);
        }

        var updated = await store.UpdateAsync(request.Caller, actor, request.Region, template, request.Aborted);
        return updated.IsSuccess ? request.Result("") : request.Error(updated.Error);
    }

    /// <summary>DeleteTemplate succeeds for a name the account does not have, as SES's does (its v1 model declares no error for it).</summary>
    public static async Task<IResult> V1DeleteAsync(V1Request request, EmailTemplateStore store, Audit.AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (CheckWriter(request.Caller) is { } denied)
        {
            return request.Error(denied);
        }

        if (string.IsNullOrEmpty(request.Field("TemplateName")))
        {
            return request.Error(new Error("InvalidParameterValue", "TemplateName is required."));
        }

        await store.DeleteAsync(request.Caller, actor, request.Region, request.Field("TemplateName")!, request.Aborted);
        return request.Result("");
    }

    /// <summary>ListTemplates: <c>MaxItems</c> 1–100 (more is 100, as SES clamps it; 10 when absent), by name.</summary>
    public static async Task<IResult> V1ListAsync(V1Request request, EmailTemplateStore store)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Caller.AccountId is null)
        {
            return request.Error(NoAccount);
        }

        var size = V1PageSize(request.Field("MaxItems"));
        if (!size.IsSuccess)
        {
            return request.Error(size.Error);
        }

        var page = await ListAsync(store, request.Caller.AccountId, request.Region, size.Value, request.Field("NextToken"), request.Aborted);
        if (!page.IsSuccess)
        {
            return request.Error(page.Error);
        }

        var body = new StringBuilder("<TemplatesMetadata>");
        foreach (var t in page.Value.Items)
        {
            body.Append("<member>");
            Element(body, "Name", t.Template.Name);
            Element(body, "CreatedTimestamp", t.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            body.Append("</member>");
        }

        body.Append("</TemplatesMetadata>");
        Element(body, "NextToken", page.Value.NextToken);
        return request.Result(body.ToString());
    }

    public static async Task<IResult> V1TestRenderAsync(V1Request request, EmailTemplateStore store, TemplateRenderer renderer)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(renderer);
        var found = await FindAsync(request.Caller, request.Region, store, request.Field("TemplateName") ?? "", request.Aborted);
        if (!found.IsSuccess)
        {
            return request.Error(found.Error);
        }

        if (request.Field("TemplateData") is not { } data)
        {
            return request.Error(new Error("InvalidParameterValue", "TemplateData is required."));
        }

        var rendering = renderer.Render(found.Value, data);
        if (rendering.Rendered is not { } rendered)
        {
            return request.Error(RenderError(rendering.Error!));
        }

        var body = new StringBuilder();
        Element(body, "RenderedTemplate", TemplateRenderer.ToMime(rendered));
        return request.Result(body.ToString());
    }

    /// <summary>
    /// A render error as the API answers it: data that is not a JSON object is <c>InvalidRenderingParameter</c>, a variable
    /// missing from the data <c>MissingRenderingAttribute</c>, a template that does not compile <c>InvalidTemplate</c> (v1;
    /// all three are <c>BadRequestException</c> on v2).
    /// </summary>
    internal static Error RenderError(TemplateRenderError error) => error.Kind switch
    {
        TemplateRenderErrorKind.InvalidData => new Error("InvalidRenderingParameter", error.Message),
        TemplateRenderErrorKind.MissingAttribute => new Error("MissingRenderingAttribute", error.Message),
        _ => new Error("InvalidTemplate", error.Message),
    };

    /// <summary>The v1 <c>Template</c> structure of Create/UpdateTemplate.</summary>
    private static EmailTemplate V1Template(V1Request request) => new(
        request.Field("Template.TemplateName") ?? "",
        request.Field("Template.SubjectPart"),
        request.Field("Template.TextPart"),
        request.Field("Template.HtmlPart"));

    /// <summary>
    /// A template that does not compile (an unclosed <c>{{#if}}</c>, a stray <c>{{/if}}</c>, …) is refused when it is
    /// created or updated, as SES refuses it with <c>InvalidTemplate</c>, rather than failing every send later. It is
    /// rendered with empty data: a variable that data lacks is not an error here.
    /// </summary>
    private static Error? CheckSyntax(TemplateRenderer renderer, EmailTemplate template)
    {
        if (TemplateRules.Validate(template) is { } invalid)
        {
            return invalid;
        }

        return renderer.Render(template, "{}").Error is { Kind: TemplateRenderErrorKind.InvalidTemplate } error
            ? new Error("InvalidTemplate", error.Message)
            : null;
    }

    private static async Task<Result<StoredTemplate>> FindAsync(Caller caller, string region, EmailTemplateStore store, string name, CancellationToken ct)
    {
        if (caller.AccountId is null)
        {
            return NoAccount;
        }

        return name.Length > 0 && await store.FindAsync(caller.AccountId, region, name, ct) is { } found
            ? found
            : EmailTemplateStore.DoesNotExist(name);
    }

    private static async Task<Result<TemplatePage>> ListAsync(EmailTemplateStore store, string account, string region, int size, string? token, CancellationToken ct)
    {
        return await store.ListAsync(account, region, size, string.IsNullOrEmpty(token) ? null : token, ct);
    }

    private static Error? CheckWriter(Caller caller) =>
        caller.IsAccountRoot ? null : caller.AccountId is null ? NoAccount : RootOnly;

    private static Result<int> V1PageSize(string? text) =>
        text is null ? DefaultPageSize
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size) && size >= 1 ? Math.Min(size, MaxPageSize)
        : new Error("InvalidParameterValue", $"MaxItems must be a whole number of at least 1; got '{text}'.");

    private static Result<int> V2PageSize(string? text) =>
        text is null ? DefaultPageSize
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= MaxPageSize ? size
        : new Error("InvalidParameterValue", $"PageSize must be a whole number from 1 to {MaxPageSize}; got '{text}'.");

    private static void Element(StringBuilder body, string name, string? value)
    {
        if (value is not null)
        {
            body.Append('<').Append(name).Append('>').Append(SecurityElement.Escape(value)).Append("</").Append(name).Append('>');
        }
    }
}
