namespace SesConsole.Domain.Sending;

/// <summary>
/// One event type an event destination can match, in its three spellings: the v2 <c>EventType</c> enum
/// (<c>RENDERING_FAILURE</c>), the v1 enum (<c>renderingFailure</c>; null for the types v1 lacks) and the JSON
/// <c>eventType</c> of the published event (<c>Rendering Failure</c>), which is also how destinations store them
/// (docs/configuration-sets.md#event-types).
/// </summary>
public sealed record ConfigurationSetEventType(string V2, string? V1, string Json);

/// <summary>The event types of SES event publishing, and the conversions between their spellings.</summary>
public static class ConfigurationSetEventTypes
{
    /// <summary>Every type, in the order of the v2 enum.</summary>
    public static IReadOnlyList<ConfigurationSetEventType> All { get; } =
    [
        new("SEND", "send", "Send"),
        new("REJECT", "reject", "Reject"),
        new("BOUNCE", "bounce", "Bounce"),
        new("COMPLAINT", "complaint", "Complaint"),
        new("DELIVERY", "delivery", "Delivery"),
        new("OPEN", "open", "Open"),
        new("CLICK", "click", "Click"),
        new("RENDERING_FAILURE", "renderingFailure", "Rendering Failure"),
        new("DELIVERY_DELAY", null, "DeliveryDelay"),
        new("SUBSCRIPTION", null, "Subscription"),
    ];

    /// <summary>The type of a v2 enum value (exact case), or null.</summary>
    public static ConfigurationSetEventType? FromV2(string? value) => All.FirstOrDefault(t => t.V2 == value);

    /// <summary>The type of a v1 enum value (exact case), or null.</summary>
    public static ConfigurationSetEventType? FromV1(string? value) => value is null ? null : All.FirstOrDefault(t => t.V1 == value);

    /// <summary>The type of a JSON <c>eventType</c>, or null.</summary>
    public static ConfigurationSetEventType? FromJson(string? value) => All.FirstOrDefault(t => t.Json == value);

    /// <summary>The stored form: JSON names in the order of <see cref="All"/>, joined by commas, each once.</summary>
    public static string Join(IEnumerable<ConfigurationSetEventType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var set = types.ToHashSet();
        return string.Join(',', All.Where(set.Contains).Select(t => t.Json));
    }

    /// <summary>The types of a stored list (unknown names are skipped).</summary>
    public static IReadOnlyList<ConfigurationSetEventType> Split(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : [.. stored.Split(',').Select(FromJson).OfType<ConfigurationSetEventType>()];
}
