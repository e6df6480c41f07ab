namespace SesConsole.Data.Entities;

/// <summary>
/// A topic the console hosts in place of Amazon SNS, per account and region (docs/notifications.md#topics). Its ARN is
/// <c>arn:aws:sns:REGION:ACCOUNT:NAME</c>.
/// </summary>
public sealed class SnsTopicEntity
{
    public Guid Id { get; set; }

    public required string AccountId { get; set; }

    public required string Region { get; set; }

    /// <summary>1–256 characters of <c>[A-Za-z0-9_-]</c>; case-sensitive.</summary>
    public required string Name { get; set; }

    /// <summary><c>arn:aws:sns:REGION:ACCOUNT:NAME</c>, stored for lookups by ARN.</summary>
    public required string Arn { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>The topic's access policy as the owner saved it; null means SNS's default (the owner account only).</summary>
    public string? Policy { get; set; }

    /// <summary>The topic's HTTP/S delivery policy JSON, if set.</summary>
    public string? DeliveryPolicy { get; set; }

    /// <summary>1 (RSA-SHA1) or 2 (RSA-SHA256, our default).</summary>
    public int SignatureVersion { get; set; } = 2;

    /// <summary>Tags as a JSON object of key → value, if any.</summary>
    public string? Tags { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<SnsSubscriptionEntity> Subscriptions { get; set; } = [];
}

/// <summary>Where a subscription stands.</summary>
public enum SnsSubscriptionStatus
{
    /// <summary>Waiting for the endpoint's owner to confirm (http/https/email/email-json).</summary>
    PendingConfirmation = 0,

    Confirmed = 1,

    /// <summary>Unsubscribed: kept until its UnsubscribeConfirmation is delivered, then removed; never listed.</summary>
    Unsubscribed = 2,
}

/// <summary>A subscription of an endpoint to a topic (docs/notifications.md#subscriptions).</summary>
public sealed class SnsSubscriptionEntity
{
    public Guid Id { get; set; }

    /// <summary><c>TOPIC-ARN:UUID</c>.</summary>
    public required string Arn { get; set; }

    public Guid TopicId { get; set; }

    public required string TopicArn { get; set; }

    /// <summary>The account that made the subscription (may differ from the topic's when its policy allows).</summary>
    public required string SubscriberAccountId { get; set; }

    /// <summary><c>http</c>, <c>https</c>, <c>email</c> or <c>email-json</c>.</summary>
    public required string Protocol { get; set; }

    public required string Endpoint { get; set; }

    public SnsSubscriptionStatus Status { get; set; }

    /// <summary>The confirmation token sent in the SubscriptionConfirmation (valid 3 days, as SNS's).</summary>
    public string? ConfirmationToken { get; set; }

    public DateTimeOffset? ConfirmationExpiresAt { get; set; }

    /// <summary>When true, Unsubscribe needs a signed request of the topic owner or the subscriber (ConfirmSubscription's AuthenticateOnUnsubscribe).</summary>
    public bool AuthenticateOnUnsubscribe { get; set; }

    public bool RawMessageDelivery { get; set; }

    public string? DeliveryPolicy { get; set; }

    public string? FilterPolicy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }
}

/// <summary>What kind of SNS message a <see cref="SnsMessageEntity"/> is.</summary>
public enum SnsMessageType
{
    Notification = 0,
    SubscriptionConfirmation = 1,
    UnsubscribeConfirmation = 2,
}

/// <summary>
/// One message published to a topic (by <c>Publish</c>, by the console's own SES feedback, or a subscription's
/// confirmation), kept durably until it is fanned out into <see cref="SnsDeliveryEntity"/> rows, one per confirmed
/// subscription (or, for a confirmation, the one subscription it is for). Written in the same transaction as the
/// change that caused it (docs/notifications.md#durability).
/// </summary>
public sealed class SnsMessageEntity
{
    public Guid Id { get; set; }

    /// <summary>The SNS MessageId (a UUID string), returned by Publish and sent in <c>x-amz-sns-message-id</c>.</summary>
    public required string MessageId { get; set; }

    public Guid TopicId { get; set; }

    public required string TopicArn { get; set; }

    public SnsMessageType Type { get; set; }

    /// <summary>For confirmations: the one subscription the message is for.</summary>
    public Guid? SubscriptionId { get; set; }

    public string? Subject { get; set; }

    public required string Message { get; set; }

    /// <summary>Message attributes as JSON (name → {Type, Value}), if any.</summary>
    public string? MessageAttributes { get; set; }

    /// <summary>Who published: a principal ARN, or <c>ses.amazonaws.com</c> for the console's own feedback.</summary>
    public required string PublishedBy { get; set; }

    /// <summary>Set once the per-subscription delivery rows exist.</summary>
    public bool FannedOut { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Where one delivery of a message to one subscription stands.</summary>
public enum SnsDeliveryStatus
{
    Pending = 0,
    Delivered = 1,

    /// <summary>The delivery policy's retries ran out; the message is dropped for this subscription, as SNS does.</summary>
    Failed = 2,

    /// <summary>Refused before sending (e.g. the endpoint resolved to a network the console may not call).</summary>
    Refused = 3,
}

/// <summary>One message on its way to one subscription: the durable retry state (docs/notifications.md#delivery).</summary>
public sealed class SnsDeliveryEntity
{
    public Guid Id { get; set; }

    public Guid SnsMessageId { get; set; }

    public Guid SubscriptionId { get; set; }

    public SnsDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A worker's claim; another worker may take the row after it passes.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One try of one delivery, for the Topics page's delivery log.</summary>
public sealed class SnsDeliveryAttemptEntity
{
    public long Id { get; set; }

    public Guid DeliveryId { get; set; }

    public Guid SubscriptionId { get; set; }

    public required string TopicArn { get; set; }

    public required string MessageId { get; set; }

    public DateTimeOffset At { get; set; }

    public bool Succeeded { get; set; }

    /// <summary>The HTTP status, when the endpoint answered.</summary>
    public int? StatusCode { get; set; }

    public int DurationMs { get; set; }

    /// <summary>The start of the answer or the error (at most 1,000 characters).</summary>
    public string? Detail { get; set; }
}

/// <summary>The key the console signs SNS messages with, and its self-signed certificate (served at SigningCertURL).</summary>
public sealed class SnsSigningKeyEntity
{
    public Guid Id { get; set; }

    /// <summary>The PEM file's name in SigningCertURL (without <c>.pem</c>).</summary>
    public required string Name { get; set; }

    /// <summary>The RSA private key (PKCS#8 PEM), protected with ASP.NET Data Protection.</summary>
    public required string ProtectedPrivateKey { get; set; }

    /// <summary>The X.509 certificate, PEM.</summary>
    public required string CertificatePem { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The key new messages are signed with; older ones stay served so earlier messages still verify.</summary>
    public bool IsCurrent { get; set; }
}

/// <summary>Where a configuration set's event destination sends events.</summary>
public enum EventDestinationKind
{
    /// <summary>An SNS topic (hosted by the console).</summary>
    Sns = 0,

    /// <summary>The console's own event log, shown on the Configuration sets page.</summary>
    EventLog = 1,
}

/// <summary>An event destination of a configuration set (docs/configuration-sets.md#event-destinations).</summary>
public sealed class ConfigurationSetEventDestinationEntity
{
    public Guid Id { get; set; }

    public Guid ConfigurationSetId { get; set; }

    /// <summary>1–64 characters of <c>[A-Za-z0-9_-]</c>, unique in its set.</summary>
    public required string Name { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>The event types it takes, as their JSON names (<c>Send</c>, <c>Bounce</c>, <c>Rendering Failure</c> …) joined by commas.</summary>
    public required string MatchingEventTypes { get; set; }

    public EventDestinationKind Kind { get; set; }

    /// <summary>For <see cref="EventDestinationKind.Sns"/>: the topic's ARN.</summary>
    public string? TopicArn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One event published through a configuration set's destination (kept for the event-log destination and shown on the page).</summary>
public sealed class PublishedEventEntity
{
    public Guid Id { get; set; }

    /// <summary>The account that owns the configuration set (the sender).</summary>
    public required string AccountId { get; set; }

    public required string Region { get; set; }

    public required string ConfigurationSetName { get; set; }

    public required string DestinationName { get; set; }

    /// <summary>The JSON <c>eventType</c>.</summary>
    public required string EventType { get; set; }

    public required string MessageId { get; set; }

    /// <summary>The event-publishing JSON.</summary>
    public required string Json { get; set; }

    public DateTimeOffset At { get; set; }
}
