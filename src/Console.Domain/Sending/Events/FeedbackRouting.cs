namespace SesConsole.Domain.Sending.Events;

/// <summary>A feedback channel (docs/ses-behaviour.md#feedback-channels).</summary>
public enum FeedbackChannel
{
    /// <summary>An SNS topic the identity owner set on the identity (it may belong to the delegate).</summary>
    IdentityTopic,

    /// <summary>An event destination of the configuration set the delegate named.</summary>
    ConfigurationSetDestination,

    /// <summary>Email feedback forwarding to the Return-Path/Source.</summary>
    EmailForwarding,

    /// <summary>The safety net: email to the Return-Path/Source when no other channel takes a bounce or complaint.</summary>
    FallbackEmail,
}

/// <summary>One delivery of feedback: the channel and its target (topic ARN, destination name or email address).</summary>
public sealed record FeedbackTarget(FeedbackChannel Channel, string Target);

/// <summary>
/// The owner's identity notification settings, for the Source identity, in its region (docs/notifications.md#identity-notifications).
/// </summary>
/// <param name="BounceTopicArn">Bounce topic, if set.</param>
/// <param name="ComplaintTopicArn">Complaint topic, if set.</param>
/// <param name="DeliveryTopicArn">Delivery topic, if set.</param>
/// <param name="ForwardingEnabled">Email feedback forwarding (default on).</param>
/// <param name="HeadersInBounce">Include the original headers in Bounce notifications.</param>
/// <param name="HeadersInComplaint">Include the original headers in Complaint notifications.</param>
/// <param name="HeadersInDelivery">Include the original headers in Delivery notifications.</param>
public sealed record IdentityNotificationSettings(
    string? BounceTopicArn = null,
    string? ComplaintTopicArn = null,
    string? DeliveryTopicArn = null,
    bool ForwardingEnabled = true,
    bool HeadersInBounce = false,
    bool HeadersInComplaint = false,
    bool HeadersInDelivery = false)
{
    /// <summary>SES's defaults: no topics, no headers, forwarding on.</summary>
    public static IdentityNotificationSettings Default { get; } = new();

    /// <summary>Whether anything differs from <see cref="Default"/> (an address identity with settings of its own overrides its domain's).</summary>
    public bool HasOwnSettings => this != Default;

    /// <summary>The topic of a notification type (Bounce, Complaint, Delivery); null for other types or when unset.</summary>
    public string? TopicFor(SendEventType type) => type switch
    {
        SendEventType.Bounce => BounceTopicArn,
        SendEventType.Complaint => ComplaintTopicArn,
        SendEventType.Delivery => DeliveryTopicArn,
        _ => null,
    };

    /// <summary>Whether notifications of <paramref name="type"/> carry the original headers.</summary>
    public bool HeadersFor(SendEventType type) => type switch
    {
        SendEventType.Bounce => HeadersInBounce,
        SendEventType.Complaint => HeadersInComplaint,
        SendEventType.Delivery => HeadersInDelivery,
        _ => false,
    };

    /// <summary>
    /// The rule SES applies to forwarding (docs/notifications.md#feedback-email): it may be turned off only while both the
    /// Bounce and the Complaint type have a topic; null when <paramref name="enabled"/> is allowed, else SES's message.
    /// </summary>
    public string? CheckForwarding(bool enabled, string identity) =>
        enabled || (BounceTopicArn is not null && ComplaintTopicArn is not null)
            ? null
            : $"Feedback notification topic not set on identity {identity} for notification type(s) {string.Join(", ", MissingTopics())}.";

    private IEnumerable<string> MissingTopics()
    {
        if (BounceTopicArn is null)
        {
            yield return "Bounce";
        }

        if (ComplaintTopicArn is null)
        {
            yield return "Complaint";
        }
    }
}

/// <summary>One event destination of the delegate's configuration set, with the event types it takes.</summary>
public sealed record EventDestination(string Name, IReadOnlySet<SendEventType> EventTypes, bool Enabled = true);

/// <summary>
/// Who receives an event under sending authorization (docs/notifications.md#feedback-routing-under-delegation), as a pure function: the owner's identity topics (per type), the
/// delegate's configuration-set destinations (only its own set, docs/ses-behaviour.md#configuration-sets), email forwarding of bounces and complaints to
/// the feedback-forwarding address when the owner left it on, and the fallback email when no channel took a bounce or
/// complaint (even with forwarding off, docs/ses-behaviour.md#feedback-channels).
/// </summary>
public static class FeedbackRouting
{
    public static IReadOnlyList<FeedbackTarget> Route(
        SendEvent notification,
        IdentityNotificationSettings identity,
        IReadOnlyList<EventDestination> configurationSetDestinations,
        string feedbackForwardingAddress)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(configurationSetDestinations);
        var targets = new List<FeedbackTarget>();
        if (identity.TopicFor(notification.Type) is { } topic)
        {
            targets.Add(new FeedbackTarget(FeedbackChannel.IdentityTopic, topic));
        }

        foreach (var destination in configurationSetDestinations)
        {
            if (destination.Enabled && destination.EventTypes.Contains(notification.Type))
            {
                targets.Add(new FeedbackTarget(FeedbackChannel.ConfigurationSetDestination, destination.Name));
            }
        }

        if (notification.Type is SendEventType.Bounce or SendEventType.Complaint)
        {
            if (identity.ForwardingEnabled)
            {
                targets.Add(new FeedbackTarget(FeedbackChannel.EmailForwarding, feedbackForwardingAddress));
            }
            else if (targets.Count == 0)
            {
                targets.Add(new FeedbackTarget(FeedbackChannel.FallbackEmail, feedbackForwardingAddress));
            }
        }

        return targets;
    }
}
