using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.ConfigurationSets;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// Configuration sets through the SES API, over <see cref="ConfigurationSetsService"/>: v2 CreateConfigurationSet,
/// GetConfigurationSet, ListConfigurationSets and DeleteConfigurationSet; v1 CreateConfigurationSet,
/// DescribeConfigurationSet, ListConfigurationSets and DeleteConfigurationSet. Only the set itself exists so far (no
/// event destinations, tracking or reputation options; docs/configuration-sets.md). Errors as SES: v1
/// <c>ConfigurationSetAlreadyExists</c> / <c>ConfigurationSetDoesNotExist</c> / <c>InvalidConfigurationSet</c>, v2
/// <c>AlreadyExistsException</c> / <c>NotFoundException</c> / <c>BadRequestException</c>.
/// </summary>
public static class SesApiConfigurationSetEndpoints
{
    private static readonly JsonSerializerOptions PascalCase = new();

    public static async Task<IResult> V2CreateAsync(HttpContext context, ApiCaller api, CreateConfigurationSetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.SendingOptions?.SendingEnabled == false)
        {
            return SesApiErrors.V2(context, new Error("InvalidParameterValue",
                "SendingOptions.SendingEnabled false is not supported: this console's configuration sets always send."));
        }

        var created = await Service(context).CreateAsync(api.Caller, api.Region, request.ConfigurationSetName, context.RequestAborted);
        return created.IsSuccess ? Results.Json(new { }, PascalCase) : SesApiErrors.V2(context, created.Error);
    }

    public static async Task<IResult> V2GetAsync(HttpContext context, ApiCaller api, string name)
    {
        var row = await Service(context).GetAsync(api.Caller, api.Region, name, context.RequestAborted);
        return row.IsSuccess
            ? Results.Json(new
            {
                ConfigurationSetName = row.Value.Name,
                SendingOptions = new { SendingEnabled = true },
                Tags = Array.Empty<object>(),
            }, PascalCase)
            : SesApiErrors.V2(context, row.Error);
    }

    /// <summary><c>GET /v2/email/configuration-sets</c> (query) or <c>POST /v2/email/list-configuration-sets</c> (body).</summary>
    public static async Task<IResult> V2ListAsync(HttpContext context, ApiCaller api, string? pageSize, string? token)
    {
        var list = await Service(context).ListAsync(api.Caller, api.Region, context.RequestAborted);
        if (!list.IsSuccess)
        {
            return SesApiErrors.V2(context, list.Error);
        }

        var page = SesApiPaging.PageNames([.. list.Value.Select(r => r.Name)], pageSize, token, "PageSize");
        return page.IsSuccess
            ? Results.Json(new { ConfigurationSets = page.Value.Items, page.Value.NextToken }, PascalCase)
            : SesApiErrors.V2(context, page.Error);
    }

    public static async Task<IResult> V2DeleteAsync(HttpContext context, ApiCaller api, string name)
    {
        var deleted = await Service(context).DeleteAsync(api.Caller, api.Region, name, context.RequestAborted);
        return deleted.IsSuccess ? Results.Json(new { }, PascalCase) : SesApiErrors.V2(context, deleted.Error!);
    }

    /// <summary>The v1 configuration set actions, or null for another action.</summary>
    public static async Task<IResult?> V1Async(HttpContext context, ApiCaller api, string action, Dictionary<string, StringValues> form)
    {
        string? Field(string name) => form.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;
        var service = Service(context);
        var ct = context.RequestAborted;
        switch (action)
        {
            case "CreateConfigurationSet":
            {
                var created = await service.CreateAsync(api.Caller, api.Region, Field("ConfigurationSet.Name"), ct);
                return created.IsSuccess ? SesApiErrors.V1Result(context, action, "") : SesApiErrors.V1(context, created.Error);
            }

            case "DescribeConfigurationSet":
            {
                var row = await service.GetAsync(api.Caller, api.Region, Field("ConfigurationSetName") ?? "", ct);
                return row.IsSuccess
                    ? SesApiErrors.V1Result(context, action, $"<ConfigurationSet><Name>{SecurityElement.Escape(row.Value.Name)}</Name></ConfigurationSet><EventDestinations/>")
                    : SesApiErrors.V1(context, row.Error);
            }

            case "ListConfigurationSets":
            {
                var list = await service.ListAsync(api.Caller, api.Region, ct);
                if (!list.IsSuccess)
                {
                    return SesApiErrors.V1(context, list.Error);
                }

                var page = SesApiPaging.PageNames([.. list.Value.Select(r => r.Name)], Field("MaxItems"), Field("NextToken"), "MaxItems");
                if (!page.IsSuccess)
                {
                    return SesApiErrors.V1(context, page.Error);
                }

                var body = new StringBuilder("<ConfigurationSets>");
                foreach (var name in page.Value.Items)
                {
                    body.Append("<member><Name>").Append(SecurityElement.Escape(name)).Append("</Name></member>");
                }

                body.Append("</ConfigurationSets>");
                if (page.Value.NextToken is { } next)
                {
                    body.Append("<NextToken>").Append(SecurityElement.Escape(next)).Append("</NextToken>");
                }

                return SesApiErrors.V1Result(context, action, body.ToString());
            }

            case "DeleteConfigurationSet":
            {
                var deleted = await service.DeleteAsync(api.Caller, api.Region, Field("ConfigurationSetName") ?? "", ct);
                return deleted.IsSuccess ? SesApiErrors.V1Result(context, action, "") : SesApiErrors.V1(context, deleted.Error!);
            }

            default:
                return null;
        }
    }

    private static ConfigurationSetsService Service(HttpContext context) => context.RequestServices.GetRequiredService<ConfigurationSetsService>();
}
