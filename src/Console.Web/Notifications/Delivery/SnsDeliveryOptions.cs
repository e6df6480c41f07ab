namespace SesConsole.Web.Notifications.Delivery;

/// <summary>
/// The delivery worker's own <c>Notifications:*</c> settings (docs/notifications.md#settings), beside
/// <see cref="NotificationsOptions"/>'s parallelism and timeout.
/// </summary>
public sealed class SnsDeliveryOptions
{
    /// <summary>How often the worker looks for messages and due retries without a signal. Defaults to 1 second; zero turns the worker off.</summary>
    public TimeSpan DeliveryPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many new messages one fan-out transaction takes. Defaults to 100.</summary>
    public int DeliveryBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a worker holds a delivery it is trying before another worker (another node, or this one after a crash)
    /// may take it. Must be longer than <see cref="NotificationsOptions.DeliveryTimeout"/>. Defaults to 2 minutes.
    /// </summary>
    public TimeSpan DeliveryClaimLease { get; set; } = TimeSpan.FromMinutes(2);
}
