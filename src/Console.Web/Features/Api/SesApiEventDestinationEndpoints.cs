using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.ConfigurationSets;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// Event destinations of configuration sets and identities' default sets through the SES API, over
/// <see cref="ConfigurationSetsService"/> (docs/configuration-sets.md#event-destinations): v2
/// Create/Get/Update/DeleteConfigurationSetEventDestination(s) and PutEmailIdentityConfigurationSetAttributes; v1
/// Create/Update/DeleteConfigurationSetEventDestination (v1 DescribeConfigurationSet lists them, in
/// <see cref="SesApiConfigurationSetEndpoints"/>). An SNS destination or the console's event log (a destination with no
/// kind block); CloudWatch, Firehose, EventBridge and Pinpoint destinations are refused as unavailable here.
/// </summary>
public static class SesApiEventDestinationEndpoints
{
    private static readonly JsonSerializerOptions PascalCase = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static async Task<IResult> V2CreateAsync(SesApiRequest<CreateEventDestinationRequest> api, ConfigurationSetsService sets, string name)
    {
        ArgumentNullException.ThrowIfNull(api);
        var input = V2Input(api.Body.EventDestination);
        if (!input.IsSuccess)
        {
            return api.Error(input.Error);
        }

        var created = await sets.CreateDestinationAsync(api.Caller, api.Region, name, api.Body.EventDestinationName, input.Value, api.Aborted);
        return created.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(created.Error);
    }

    public static async Task<IResult> V2GetAsync(SesApiRequest api, ConfigurationSetsService sets, string name)
    {
        ArgumentNullException.ThrowIfNull(api);
        var list = await sets.ListDestinationsAsync(api.Caller, api.Region, name, api.Aborted);
        return list.IsSuccess
            ? Results.Json(new { EventDestinations = list.Value.Select(V2Output) }, PascalCase)
            : api.Error(list.Error);
    }

    public static async Task<IResult> V2UpdateAsync(SesApiRequest<UpdateEventDestinationRequest> api, ConfigurationSetsService sets, string name, string destination)
    {
        ArgumentNullException.ThrowIfNull(api);
        var input = V2Input(api.Body.EventDestination);
        if (!input.IsSuccess)
        {
            return api.Error(input.Error);
        }

        var updated = await sets.UpdateDestinationAsync(api.Caller, api.Region, name, destination, input.Value, api.Aborted);
        return updated.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(updated.Error);
    }

    public static async Task<IResult> V2DeleteAsync(SesApiRequest api, ConfigurationSetsService sets, string name, string destination)
    {
        ArgumentNullException.ThrowIfNull(api);
        var deleted = await sets.DeleteDestinationAsync(api.Caller, api.Region, name, destination, api.Aborted);
        return deleted.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(deleted.Error!);
    }

    /// <summary>PutEmailIdentityConfigurationSetAttributes: <c>PUT /v2/email/identities/{identity}/configuration-set</c>; no name clears the default.</summary>
    public static async Task<IResult> V2PutIdentityDefaultAsync(SesApiRequest<PutIdentityConfigurationSetRequest> api, ConfigurationSetsService sets, string identity)
    {
        ArgumentNullException.ThrowIfNull(api);
        var set = await sets.SetIdentityDefaultAsync(api.Caller, api.Region, identity, api.Body.ConfigurationSetName, api.Aborted);
        return set.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(set.Error!);
    }

    public static async Task<IResult> V1CreateAsync(V1Request request, ConfigurationSetsService sets)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = V1Input(request);
        if (!input.IsSuccess)
        {
            return request.Error(input.Error);
        }

        var created = await sets.CreateDestinationAsync(request.Caller, request.Region, request.Field("ConfigurationSetName") ?? "",
            request.Field("EventDestination.Name"), input.Value, request.Aborted);
        return created.IsSuccess ? request.Result("") : request.Error(created.Error);
    }

    public static async Task<IResult> V1UpdateAsync(V1Request request, ConfigurationSetsService sets)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = V1Input(request);
        if (!input.IsSuccess)
        {
            return request.Error(input.Error);
        }

        var updated = await sets.UpdateDestinationAsync(request.Caller, request.Region, request.Field("ConfigurationSetName") ?? "",
            request.Field("EventDestination.Name") ?? "", input.Value, request.Aborted);
        return updated.IsSuccess ? request.Result("") : request.Error(updated.Error);
    }

    public static async Task<IResult> V1DeleteAsync(V1Request request, ConfigurationSetsService sets)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deleted = await sets.DeleteDestinationAsync(request.Caller, request.Region, request.Field("ConfigurationSetName") ?? "",
            request.Field("EventDestinationName") ?? "", request.Aborted);
        return deleted.IsSuccess ? request.Result("") : request.Error(deleted.Error!);
    }

    /// <summary>v1's <c>&lt;EventDestinations&gt;</c> of DescribeConfigurationSet (types v1 has no name for are left out).</summary>
    public static string V1Xml(IEnumerable<EventDestinationRow> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var xml = new StringBuilder("<EventDestinations>");
        foreach (var d in destinations)
        {
            xml.Append("<member><Name>").Append(SecurityElement.Escape(d.Name)).Append("</Name><Enabled>").Append(d.Enabled ? "true" : "false")
                .Append("</Enabled><MatchingEventTypes>");
            foreach (var type in d.MatchingEventTypes.Where(t => t.V1 is not null))
            {
                xml.Append("<member>").Append(type.V1).Append("</member>");
            }

            xml.Append("</MatchingEventTypes>");
            if (d.Kind == EventDestinationKind.Sns)
            {
                xml.Append("<SNSDestination><TopicARN>").Append(SecurityElement.Escape(d.TopicArn)).Append("</TopicARN></SNSDestination>");
            }

            xml.Append("</member>");
        }

        return xml.Append("</EventDestinations>").ToString();
    }

    private static object V2Output(EventDestinationRow d) => new
    {
        d.Name,
        d.Enabled,
        MatchingEventTypes = d.MatchingEventTypes.Select(t => t.V2),
        SnsDestination = d.Kind == EventDestinationKind.Sns ? new { d.TopicArn } : null,
        EventLogDestination = d.Kind == EventDestinationKind.EventLog ? new { } : null,
    };

    private static Result<EventDestinationInput> V2Input(EventDestinationDefinitionMember? definition)
    {
        if (definition is null)
        {
            return new Error("InvalidParameterValue", "EventDestination is required.");
        }

        if (Unavailable(definition.CloudWatchDestination is not null, definition.KinesisFirehoseDestination is not null,
                definition.EventBridgeDestination is not null, definition.PinpointDestination is not null) is { } unavailable)
        {
            return unavailable;
        }

        var types = new List<ConfigurationSetEventType>();
        foreach (var value in definition.MatchingEventTypes ?? [])
        {
            if (ConfigurationSetEventTypes.FromV2(value) is not { } type)
            {
                return new Error("InvalidParameterValue",
                    $"Invalid event type '{value}': use {string.Join(", ", ConfigurationSetEventTypes.All.Select(t => t.V2))}.");
            }

            types.Add(type);
        }

        return definition.SnsDestination is { } sns
            ? new EventDestinationInput { Enabled = definition.Enabled ?? false, MatchingEventTypes = types, Kind = EventDestinationKind.Sns, TopicArn = sns.TopicArn }
            : new EventDestinationInput { Enabled = definition.Enabled ?? false, MatchingEventTypes = types, Kind = EventDestinationKind.EventLog };
    }

    private static Result<EventDestinationInput> V1Input(V1Request request)
    {
        bool Has(string prefix) => request.Form.Keys.Any(k => k.StartsWith("EventDestination." + prefix, StringComparison.Ordinal));
        if (Unavailable(Has("CloudWatchDestination"), Has("KinesisFirehoseDestination"), false, false) is { } unavailable)
        {
            return unavailable;
        }

        var types = new List<ConfigurationSetEventType>();
        foreach (var value in request.Members("EventDestination.MatchingEventTypes"))
        {
            if (ConfigurationSetEventTypes.FromV1(value) is not { } type)
            {
                return new Error("InvalidParameterValue",
                    $"Invalid event type '{value}': use {string.Join(", ", ConfigurationSetEventTypes.All.Where(t => t.V1 is not null).Select(t => t.V1))}.");
            }

            types.Add(type);
        }

        var enabled = string.Equals(request.Field("EventDestination.Enabled"), "true", StringComparison.OrdinalIgnoreCase);
        return Has("SNSDestination")
            ? new EventDestinationInput { Enabled = enabled, MatchingEventTypes = types, Kind = EventDestinationKind.Sns, TopicArn = request.Field("EventDestination.SNSDestination.TopicARN") }
            : new EventDestinationInput { Enabled = enabled, MatchingEventTypes = types, Kind = EventDestinationKind.EventLog };
    }

    private static Error? Unavailable(bool cloudWatch, bool firehose, bool eventBridge, bool pinpoint) =>
        cloudWatch ? new Error("event_destination.cloudwatch_unavailable", NotHere("CloudWatch"))
        : firehose ? new Error("event_destination.firehose_unavailable", NotHere("Kinesis Data Firehose"))
        : eventBridge ? new Error("event_destination.kind_unavailable", NotHere("EventBridge"))
        : pinpoint ? new Error("event_destination.kind_unavailable", NotHere("Pinpoint"))
        : null;

    private static string NotHere(string kind) => string.Create(CultureInfo.InvariantCulture,
        $"{kind} event destinations are not available in this console: use an SNS destination (a topic the console hosts) or the event log (a destination with no destination block).");
}

/// <summary>CreateConfigurationSetEventDestination (<c>POST /v2/email/configuration-sets/{name}/event-destinations</c>).</summary>
public sealed record CreateEventDestinationRequest
{
    public string? EventDestinationName { get; init; }

    public EventDestinationDefinitionMember? EventDestination { get; init; }
}

/// <summary>UpdateConfigurationSetEventDestination (<c>PUT …/event-destinations/{destination}</c>).</summary>
public sealed record UpdateEventDestinationRequest
{
    public EventDestinationDefinitionMember? EventDestination { get; init; }
}

/// <summary>v2 <c>EventDestinationDefinition</c>; <c>EventLogDestination</c> is the console's own (also chosen by giving no kind block).</summary>
public sealed record EventDestinationDefinitionMember
{
    public bool? Enabled { get; init; }

    public List<string?>? MatchingEventTypes { get; init; }

    public SnsDestinationMember? SnsDestination { get; init; }

    public JsonElement? EventLogDestination { get; init; }

    public JsonElement? CloudWatchDestination { get; init; }

    public JsonElement? KinesisFirehoseDestination { get; init; }

    public JsonElement? EventBridgeDestination { get; init; }

    public JsonElement? PinpointDestination { get; init; }
}

public sealed record SnsDestinationMember
{
    public string? TopicArn { get; init; }
}

/// <summary>PutEmailIdentityConfigurationSetAttributes (<c>PUT /v2/email/identities/{identity}/configuration-set</c>).</summary>
public sealed record PutIdentityConfigurationSetRequest
{
    public string? ConfigurationSetName { get; init; }
}
