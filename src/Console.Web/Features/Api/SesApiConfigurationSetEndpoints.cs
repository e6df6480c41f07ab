using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.ConfigurationSets;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// Configuration sets through the SES API, over <see cref="ConfigurationSetsService"/>: v2 CreateConfigurationSet,
/// GetConfigurationSet, ListConfigurationSets and DeleteConfigurationSet; v1 CreateConfigurationSet,
/// DescribeConfigurationSet, ListConfigurationSets and DeleteConfigurationSet (a deleted set takes its event destinations
/// with it; they have their own endpoints in <see cref="SesApiEventDestinationEndpoints"/>). Tracking, reputation,
/// delivery, suppression and VDM options are not modelled (docs/configuration-sets.md). Errors as SES: v1
/// <c>ConfigurationSetAlreadyExists</c> / <c>ConfigurationSetDoesNotExist</c> / <c>InvalidConfigurationSet</c>, v2
/// <c>AlreadyExistsException</c> / <c>NotFoundException</c> / <c>BadRequestException</c>.
/// </summary>
public static class SesApiConfigurationSetEndpoints
{
    private static readonly JsonSerializerOptions PascalCase = new();

    public static async Task<IResult> V2CreateAsync(SesApiRequest<CreateConfigurationSetRequest> api, ConfigurationSetsService sets)
    {
        ArgumentNullException.ThrowIfNull(api);
        var request = api.Body;
        if (request.SendingOptions?.SendingEnabled == false)
        {
            return api.Error(new Error("InvalidParameterValue",
                "SendingOptions.SendingEnabled false is not supported: this console's configuration sets always send."));
        }

        var created = await sets.CreateAsync(api.Caller, api.Region, request.ConfigurationSetName, api.Aborted);
        return created.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(created.Error);
    }

    public static async Task<IResult> V2GetAsync(SesApiRequest api, ConfigurationSetsService sets, string name)
    {
        ArgumentNullException.ThrowIfNull(api);
        var row = await sets.GetAsync(api.Caller, api.Region, name, api.Aborted);
        return row.IsSuccess
            ? Results.Json(new
            {
                ConfigurationSetName = row.Value.Name,
                SendingOptions = new { SendingEnabled = true },
                Tags = Array.Empty<object>(),
            }, PascalCase)
            : api.Error(row.Error);
    }

    /// <summary>ListConfigurationSets as <c>GET /v2/email/configuration-sets?PageSize=&amp;NextToken=</c>.</summary>
    public static Task<IResult> V2ListAsync(SesApiRequest api, ConfigurationSetsService sets,
        [FromQuery(Name = "PageSize")] string? pageSize, [FromQuery(Name = "NextToken")] string? nextToken) =>
        ListAsync(api, sets, pageSize, nextToken);

    /// <summary>ListConfigurationSets as current @aws-sdk/client-sesv2 sends it: <c>POST /v2/email/list-configuration-sets</c> with a JSON body.</summary>
    public static Task<IResult> V2ListFromBodyAsync(SesApiRequest<ListRequest> api, ConfigurationSetsService sets)
    {
        ArgumentNullException.ThrowIfNull(api);
        return ListAsync(api, sets, api.Body.PageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture), api.Body.NextToken);
    }

    public static async Task<IResult> V2DeleteAsync(SesApiRequest api, ConfigurationSetsService sets, string name)
    {
        ArgumentNullException.ThrowIfNull(api);
        var deleted = await sets.DeleteAsync(api.Caller, api.Region, name, api.Aborted);
        return deleted.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(deleted.Error!);
    }

    public static async Task<IResult> V1CreateAsync(V1Request request, ConfigurationSetsService sets)
    {
        ArgumentNullException.ThrowIfNull(request);
        var created = await sets.CreateAsync(request.Caller, request.Region, request.Field("ConfigurationSet.Name"), request.Aborted);
        return created.IsSuccess ? request.Result("") : request.Error(created.Error);
    }

    /// <summary>DescribeConfigurationSet: the set, and its event destinations when <c>ConfigurationSetAttributeNames</c> asks for <c>eventDestinations</c> (the other attributes are not modelled).</summary>
    public static async Task<IResult> V1DescribeAsync(V1Request request, ConfigurationSetsService sets)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Field("ConfigurationSetName") ?? "";
        var row = await sets.GetAsync(request.Caller, request.Region, name, request.Aborted);
        if (!row.IsSuccess)
        {
            return request.Error(row.Error);
        }

        var body = $"<ConfigurationSet><Name>{SecurityElement.Escape(row.Value.Name)}</Name></ConfigurationSet>";
        if (request.Members("ConfigurationSetAttributeNames").Contains("eventDestinations", StringComparer.Ordinal))
        {
            var destinations = await sets.ListDestinationsAsync(request.Caller, request.Region, name, request.Aborted);
            if (!destinations.IsSuccess)
            {
                return request.Error(destinations.Error);
            }

            body += SesApiEventDestinationEndpoints.V1Xml(destinations.Value);
        }

        return request.Result(body);
    }

    public static async Task<IResult> V1ListAsync(V1Request request, ConfigurationSetsService sets)
    {
        ArgumentNullException.ThrowIfNull(request);
        var list = await sets.ListAsync(request.Caller, request.Region, request.Aborted);
        if (!list.IsSuccess)
        {
            return request.Error(list.Error);
        }

        var page = SesApiPaging.PageNames([.. list.Value.Select(r => r.Name)], request.Field("MaxItems"), request.Field("NextToken"), "MaxItems");
        if (!page.IsSuccess)
        {
            return request.Error(page.Error);
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

        return request.Result(body.ToString());
    }

    public static async Task<IResult> V1DeleteAsync(V1Request request, ConfigurationSetsService sets)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deleted = await sets.DeleteAsync(request.Caller, request.Region, request.Field("ConfigurationSetName") ?? "", request.Aborted);
        return deleted.IsSuccess ? request.Result("") : request.Error(deleted.Error!);
    }

    private static async Task<IResult> ListAsync(SesApiRequest api, ConfigurationSetsService sets, string? pageSize, string? token)
    {
        var list = await sets.ListAsync(api.Caller, api.Region, api.Aborted);
        if (!list.IsSuccess)
        {
            return api.Error(list.Error);
        }

        var page = SesApiPaging.PageNames([.. list.Value.Select(r => r.Name)], pageSize, token, "PageSize");
        return page.IsSuccess
            ? Results.Json(new { ConfigurationSets = page.Value.Items, page.Value.NextToken }, PascalCase)
            : api.Error(page.Error);
    }
}
