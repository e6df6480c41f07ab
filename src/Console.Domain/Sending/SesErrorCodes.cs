namespace SesConsole.Domain.Sending;

/// <summary>
/// The HTTP status of every error code the console's SES API answers with: one table per API (docs/ses-api-errors.md).
/// The v1 (Query) codes and statuses are SES's "API error codes" list plus the error shapes of the v1 model; the v2
/// (REST-JSON) exceptions are those of the sesv2 model plus the AWS authentication and routing errors. An error's status
/// is never chosen where it is raised, only here, so the same code always comes with the same status.
/// </summary>
public static class SesErrorCodes
{
    /// <summary>v1 error code → HTTP status.</summary>
    public static IReadOnlyDictionary<string, int> V1 { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AccessDenied"] = 403,
        ["AccountSendingPausedException"] = 400,
        ["AlreadyExists"] = 400,
        ["CannotDelete"] = 400,
        ["ConfigurationSetAlreadyExists"] = 400,
        ["ConfigurationSetDoesNotExist"] = 400,
        ["ConfigurationSetSendingPausedException"] = 400,
        ["EventDestinationAlreadyExists"] = 400,
        ["EventDestinationDoesNotExist"] = 400,
        ["ExpiredToken"] = 403,
        ["IncompleteSignature"] = 400,
        ["InternalFailure"] = 500,
        ["InvalidAction"] = 400,
        ["InvalidClientTokenId"] = 403,
        ["InvalidCloudWatchDestination"] = 400,
        ["InvalidConfigurationSet"] = 400,
        ["InvalidFirehoseDestination"] = 400,
        ["InvalidParameterCombination"] = 400,
        ["InvalidParameterValue"] = 400,
        ["InvalidPolicy"] = 400,
        ["InvalidQueryParameter"] = 400,
        ["InvalidSNSDestination"] = 400,
        ["LimitExceeded"] = 400,
        ["MailFromDomainNotVerifiedException"] = 400,
        ["MalformedQueryString"] = 404,
        ["MessageRejected"] = 400,
        ["MissingAction"] = 400,
        ["MissingAuthenticationToken"] = 403,
        ["MissingParameter"] = 400,
        ["OptInRequired"] = 403,
        ["RequestExpired"] = 400,
        ["ServiceUnavailable"] = 503,
        ["SignatureDoesNotMatch"] = 403,
        ["TemplateDoesNotExist"] = 400,
        ["Throttling"] = 400,
        ["ValidationError"] = 400,
    };

    /// <summary>v2 exception name (<c>x-amzn-ErrorType</c>) → HTTP status.</summary>
    public static IReadOnlyDictionary<string, int> V2 { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AccessDeniedException"] = 403,
        ["AccountSuspendedException"] = 400,
        ["AlreadyExistsException"] = 400,
        ["BadRequestException"] = 400,
        ["ConcurrentModificationException"] = 500,
        ["ConflictException"] = 409,
        ["ExpiredTokenException"] = 403,
        ["IncompleteSignatureException"] = 403,
        ["InternalFailure"] = 500,
        ["InvalidNextTokenException"] = 400,
        ["InvalidSignatureException"] = 403,
        ["LimitExceededException"] = 400,
        ["MailFromDomainNotVerifiedException"] = 400,
        ["MessageRejected"] = 400,
        ["MissingAuthenticationTokenException"] = 403,
        ["NotFoundException"] = 404,
        ["SendingPausedException"] = 400,
        ["TooManyRequestsException"] = 429,
        ["UnknownOperationException"] = 404,
        ["UnrecognizedClientException"] = 403,
    };

    /// <summary>The status of a v1 code; a code missing from the table is a bug in the caller.</summary>
    public static int V1Status(string code) =>
        V1.TryGetValue(code, out var status) ? status : throw new ArgumentOutOfRangeException(nameof(code), code, "Not an SES v1 error code of the table.");

    /// <summary>The status of a v2 exception; an exception missing from the table is a bug in the caller.</summary>
    public static int V2Status(string exception) =>
        V2.TryGetValue(exception, out var status) ? status : throw new ArgumentOutOfRangeException(nameof(exception), exception, "Not an SES v2 exception of the table.");
}
