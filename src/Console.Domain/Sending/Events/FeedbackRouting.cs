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

/// <summary>The owner's identity notification settings, for the Source identity, in its region.</summary>
/// <param name="BounceTopicArn">Bounce topic, if set.</param>
/// <param name="ComplaintTopicArn">Complaint topic, if set.</param>
/// <param name="DeliveryTopicArn">Delivery topic, if set.</param>
/// <param name="ForwardingEnabled">Email feedback forwarding (default on).</param>
public sealed record IdentityNotificationSettings(
    string? BounceTopicArn = null,
    string? ComplaintTopicArn = null,
    string? DeliveryTopicArn = null,
    bool ForwardingEnabled = true);

/// <summary>One event destination of the delegate's configuration set, with the event types it takes.</summary>
public sealed record EventDestination(string Name, IReadOnlySet<SendEventType> EventTypes, bool Enabled = true);

/// <summary>
/// Who receives an event under sending authorization (docs/ses-behaviour.md#feedback-routing), as a pure function: the owner's identity topics (per type), the
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
        var topic = notification.Type switch
        {
            SendEventType.Bounce => identity.BounceTopicArn,
            SendEventType.Complaint => identity.ComplaintTopicArn,
            SendEventType.Delivery => identity.DeliveryTopicArn,
            _ => null,
        };
        if (topic is not null)
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
