using System.Globalization;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Web.Features.Api;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Sns;

/// <summary>
/// Who asks the SNS side, and from where: the signing principal of an API request or the signed-in console user, the
/// region the request is for, and what the <c>aws:</c> condition keys need.
/// </summary>
public sealed record SnsCaller(RequestPrincipal Principal, string AccountId, string Region, string? SourceIp = null, string? UserAgent = null, bool SecureTransport = false)
{
    /// <summary>The principal of a signed API request.</summary>
    public static SnsCaller ForApi(ApiCaller caller, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(context);
        return new SnsCaller(PrincipalOf(caller.Caller), caller.AccountId, caller.Region, context.Connection.RemoteIpAddress?.ToString(),
            context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null, context.Request.IsHttps);
    }

    /// <summary>The signed-in console user of an account, looking at <paramref name="region"/>.</summary>
    public static SnsCaller ForConsole(Caller caller, string region)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new SnsCaller(PrincipalOf(caller), caller.AccountId ?? throw new InvalidOperationException("The caller has no account."), region, SecureTransport: true);
    }

    private static RequestPrincipal PrincipalOf(Caller caller) =>
        caller.PrincipalArn is { } arn && PrincipalArn.Parse(arn).TryGetValue(out var parsed)
            ? RequestPrincipal.ForArn(parsed)
            : RequestPrincipal.ForAccount(Domain.Principals.AccountId.Parse(caller.AccountId).GetValueOrThrow());
}

/// <summary>A topic as the API lists it and the page shows it.</summary>
public sealed record SnsTopicRow(string Arn, string Name, string? DisplayName, int Confirmed, int Pending, DateTimeOffset CreatedAt);

/// <summary>A subscription as the API lists it and the page shows it. <see cref="Arn"/> is the real ARN, also while pending.</summary>
public sealed record SnsSubscriptionRow(string Arn, string TopicArn, string Owner, string Protocol, string Endpoint, bool PendingConfirmation, DateTimeOffset CreatedAt)
{
    /// <summary>What SNS lists as the ARN: <c>PendingConfirmation</c> until confirmed (SNS's spelling in list results).</summary>
    public string ListedArn => PendingConfirmation ? "PendingConfirmation" : Arn;
}

/// <summary>A page of results and the token of the next, null on the last.</summary>
public sealed record SnsPage<T>(IReadOnlyList<T> Items, string? NextToken);

/// <summary>One attempt to deliver a message, for the Topics page's delivery log.</summary>
public sealed record SnsAttemptRow(DateTimeOffset At, string SubscriptionArn, string Endpoint, bool Succeeded, int? StatusCode, int DurationMs, string? Detail);

/// <summary>SNS's error codes (docs/notifications.md#sns-api), in one place.</summary>
public static class SnsErrors
{
    public const string InvalidParameter = "InvalidParameter";
    public const string NotFound = "NotFound";
    public const string AuthorizationError = "AuthorizationError";
    public const string InternalError = "InternalError";
    public const string InvalidAction = "InvalidAction";

    public static Error Invalid(string what) => new(InvalidParameter, $"Invalid parameter: {what}");

    public static Error TopicNotFound() => new(NotFound, "Topic does not exist");

    public static Error SubscriptionNotFound() => new(NotFound, "Subscription does not exist");

    public static Error Denied(SnsCaller caller, string action, string resource) =>
        new(AuthorizationError, $"User: {caller.Principal.Arn} is not authorized to perform: {action} on resource: {resource}");

    /// <summary>The HTTP status SNS answers with for an error code.</summary>
    public static int StatusOf(string code) => code switch
    {
        NotFound => 404,
        AuthorizationError or "InvalidClientTokenId" or "SignatureDoesNotMatch" or "ExpiredToken" or "MissingAuthenticationToken" => 403,
        InternalError => 500,
        _ => 400,
    };

    internal static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
