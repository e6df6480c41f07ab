using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Features.ConfigurationSets;

/// <summary>A configuration set as the API and pages show it.</summary>
public sealed record ConfigurationSetRow(string Name, DateTimeOffset CreatedAt);

/// <summary>A configuration set on the Configuration sets page: with the number of its event destinations.</summary>
public sealed record ConfigurationSetSummary(string Name, DateTimeOffset CreatedAt, int DestinationCount);

/// <summary>One event destination of a set (docs/configuration-sets.md#event-destinations).</summary>
/// <param name="Name">Its name, unique in the set.</param>
/// <param name="Enabled">Whether events are published through it.</param>
/// <param name="MatchingEventTypes">The event types it takes, in the order of <see cref="ConfigurationSetEventTypes.All"/>.</param>
/// <param name="Kind">An SNS topic or the console's event log.</param>
/// <param name="TopicArn">The topic, for <see cref="EventDestinationKind.Sns"/>.</param>
public sealed record EventDestinationRow(string Name, bool Enabled, IReadOnlyList<ConfigurationSetEventType> MatchingEventTypes, EventDestinationKind Kind, string? TopicArn);

/// <summary>What a caller asks for when creating or replacing an event destination (the API's and the page's form).</summary>
public sealed class EventDestinationInput
{
    /// <summary>SES's default for a destination whose <c>Enabled</c> is not given is false.</summary>
    public bool Enabled { get; set; }

    public List<ConfigurationSetEventType> MatchingEventTypes { get; set; } = [];

    public EventDestinationKind Kind { get; set; } = EventDestinationKind.EventLog;

    public string? TopicArn { get; set; }
}

/// <summary>One event published through a destination of a set (the event log and the page's "recently published").</summary>
public sealed record PublishedEventRow(DateTimeOffset At, string DestinationName, string EventType, string MessageId, string Json);
