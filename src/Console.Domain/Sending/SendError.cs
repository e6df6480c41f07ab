namespace SesConsole.Domain.Sending;

/// <summary>Why the pipeline rejected a send, independent of how the API spells it (see <see cref="SendErrorCatalog"/>).</summary>
public enum SendErrorKind
{
    /// <summary>The caller could not be established (no principal, a service without <c>aws:SourceAccount</c>).</summary>
    InvalidCaller,

    /// <summary>A bad parameter: no recipient, more than 50, a malformed or non-ASCII address, a malformed ARN.</summary>
    InvalidParameterValue,

    /// <summary>The raw message could not be parsed.</summary>
    MalformedMessage,

    /// <summary>The message is larger than the configured maximum.</summary>
    MessageTooLarge,

    /// <summary>An address is not covered by a verified identity in this region (or, in the sandbox, a recipient is not verified).</summary>
    NotVerified,

    /// <summary>The policy engine denied an identity used (docs/ses-behaviour.md#error-wording).</summary>
    AccessDenied,

    /// <summary>The sending account's sending is paused (disabled by its administrator or by review).</summary>
    AccountSendingPaused,

    /// <summary>The sending account is shut down (enforcement).</summary>
    AccountSuspended,

    /// <summary>The rolling 24-hour quota would be exceeded.</summary>
    DailyQuotaExceeded,

    /// <summary>The maximum send rate would be exceeded.</summary>
    MaxSendRateExceeded,

    /// <summary>The owner's custom MAIL FROM domain is not verified and its behaviour on MX failure is RejectMessage.</summary>
    MailFromDomainNotVerified,

    /// <summary>The send names a configuration set the sending account does not have in this region.</summary>
    ConfigurationSetDoesNotExist,
}

/// <summary>
/// A pipeline rejection: the kind and a message in SES's words. For <see cref="SendErrorKind.AccessDenied"/> the three parts
/// of the sentence are kept, because each API quotes them differently (docs/ses-behaviour.md#error-wording).
/// </summary>
public sealed record SendError(SendErrorKind Kind, string Message)
{
    /// <summary>For access denied: the principal ARN (or service name).</summary>
    public string? Principal { get; init; }

    /// <summary>For access denied: the action, for example <c>ses:SendRawEmail</c>.</summary>
    public string? Action { get; init; }

    /// <summary>For access denied: the identity ARN.</summary>
    public string? Resource { get; init; }

    /// <summary>The v1 access-denied sentence: <c>User `P' is not authorized to perform `A' on resource `R'</c>.</summary>
    public static SendError AccessDenied(string principal, string action, string resource) =>
        new(SendErrorKind.AccessDenied, $"User `{principal}' is not authorized to perform `{action}' on resource `{resource}'")
        {
            Principal = principal,
            Action = action,
            Resource = resource,
        };

    /// <summary>
    /// <c>Email address is not verified. The following identities failed the check in region REGION: a, b</c> (region in
    /// upper case, docs/ses-behaviour.md#error-wording).
    /// </summary>
    public static SendError NotVerified(string region, IEnumerable<string> addresses) =>
        new(SendErrorKind.NotVerified,
            $"Email address is not verified. The following identities failed the check in region {region.ToUpperInvariant()}: {string.Join(", ", addresses)}");

    public static SendError DailyQuotaExceeded() => new(SendErrorKind.DailyQuotaExceeded, "Daily message quota exceeded.");

    public static SendError MaxSendRateExceeded() => new(SendErrorKind.MaxSendRateExceeded, "Maximum sending rate exceeded.");

    /// <summary><c>Configuration set NAME does not exist.</c> (SES's v1 message).</summary>
    public static SendError ConfigurationSetDoesNotExist(string name) =>
        new(SendErrorKind.ConfigurationSetDoesNotExist, $"Configuration set {name} does not exist.");

    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>An error as one API spells it: code (v1 error code, v2 exception name or SMTP reply code), HTTP status, message.</summary>
/// <param name="Code">v1 error code (<c>AccessDenied</c>), v2 exception name (<c>AccessDeniedException</c>) or the SMTP reply code (<c>554</c>).</param>
/// <param name="HttpStatus">The HTTP status; 0 for SMTP.</param>
/// <param name="Message">The message; for SMTP the whole reply line.</param>
public sealed record WireError(string Code, int HttpStatus, string Message);

/// <summary>
/// The one table from pipeline errors to what each API returns (docs/ses-behaviour.md#error-wording). Pinned by
/// <c>SendErrorCatalogTests</c>; change both together.
/// </summary>
public static class SendErrorCatalog
{
    /// <summary>Spells <paramref name="error"/> in <paramref name="dialect"/>.</summary>
    public static WireError Render(SendError error, ErrorDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(error);
        var (v1Code, v1Status, v2Code, v2Status) = Codes(error.Kind);
        return dialect switch
        {
            ErrorDialect.V1 => new WireError(v1Code, v1Status, error.Message),
            ErrorDialect.V2 => new WireError(v2Code, v2Status, V2Message(error)),
            _ => Smtp(error),
        };
    }

    /// <summary>
    /// The v1 code, v1 HTTP status, v2 exception name and v2 HTTP status of <paramref name="kind"/>; the statuses come
    /// from <see cref="SesErrorCodes"/>.
    /// </summary>
    public static (string V1Code, int V1Status, string V2Code, int V2Status) Codes(SendErrorKind kind)
    {
        var (v1, v2) = kind switch
        {
            SendErrorKind.InvalidCaller => ("AccessDenied", "AccessDeniedException"),
            SendErrorKind.InvalidParameterValue => ("InvalidParameterValue", "BadRequestException"),
            SendErrorKind.MalformedMessage => ("InvalidParameterValue", "BadRequestException"),
            SendErrorKind.MessageTooLarge => ("MessageRejected", "MessageRejected"),
            SendErrorKind.NotVerified => ("MessageRejected", "MessageRejected"),
            SendErrorKind.AccessDenied => ("AccessDenied", "AccessDeniedException"),
            SendErrorKind.AccountSendingPaused => ("AccountSendingPausedException", "SendingPausedException"),
            SendErrorKind.AccountSuspended => ("AccountSendingPausedException", "AccountSuspendedException"),
            SendErrorKind.DailyQuotaExceeded => ("Throttling", "LimitExceededException"),
            SendErrorKind.MaxSendRateExceeded => ("Throttling", "TooManyRequestsException"),
            SendErrorKind.MailFromDomainNotVerified => ("MailFromDomainNotVerifiedException", "MailFromDomainNotVerifiedException"),
            SendErrorKind.ConfigurationSetDoesNotExist => ("ConfigurationSetDoesNotExist", "NotFoundException"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return (v1, SesErrorCodes.V1Status(v1), v2, SesErrorCodes.V2Status(v2));
    }

    private static string V2Message(SendError error) => error.Kind == SendErrorKind.AccessDenied
        ? $"User '{error.Principal}' is not authorized to perform '{error.Action}' on resource '{error.Resource}'"
        : error.Message;

    private static WireError Smtp(SendError error) => error.Kind switch
    {
        SendErrorKind.AccessDenied => Reply(554, $"Access denied: User {error.Principal} is not authorized to perform {error.Action} on resource {error.Resource}"),
        SendErrorKind.InvalidCaller => Reply(535, "Authentication Credentials Invalid"),
        SendErrorKind.NotVerified => Reply(554, $"Message rejected: {error.Message}"),
        SendErrorKind.MessageTooLarge => Reply(552, "Message is too long."),
        SendErrorKind.DailyQuotaExceeded => Reply(454, "Throttling failure: Daily message quota exceeded"),
        SendErrorKind.MaxSendRateExceeded => Reply(454, "Throttling failure: Maximum sending rate exceeded"),
        SendErrorKind.AccountSendingPaused or SendErrorKind.AccountSuspended => Reply(554, $"Account sending paused: {error.Message}"),
        SendErrorKind.MailFromDomainNotVerified => Reply(554, $"Message rejected: {error.Message}"),
        SendErrorKind.ConfigurationSetDoesNotExist => Reply(554, $"Configuration Set does not exist: {error.Message}"),
        _ => Reply(554, $"Transaction failed: {error.Message}"),
    };

    private static WireError Reply(int code, string text) =>
        new(code.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, $"{code} {text}");
}
