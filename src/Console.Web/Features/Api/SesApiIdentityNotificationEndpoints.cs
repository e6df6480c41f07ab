using System.Security;
using System.Text;
using System.Text.Json;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Notifications.Feedback;

namespace SesConsole.Web.Features.Api;

/// <summary>v2 PutEmailIdentityFeedbackAttributes's body.</summary>
public sealed record PutFeedbackAttributesRequest
{
    public bool? EmailForwardingEnabled { get; init; }
}

/// <summary>
/// An identity's notification settings through the SES API (docs/notifications.md#identity-notifications), owner only,
/// over <see cref="IdentityNotificationsService"/>: v1 SetIdentityNotificationTopic, GetIdentityNotificationAttributes,
/// SetIdentityFeedbackForwardingEnabled and SetIdentityHeadersInNotificationsEnabled; v2 PutEmailIdentityFeedbackAttributes.
/// Another account's identity is not found (v1 <c>MessageRejected</c>, v2 <c>NotFoundException</c>), an IAM user of the
/// owner gets <c>AccessDenied</c>, a topic SES may not publish to is <c>InvalidParameterValue</c>.
/// </summary>
public static class SesApiIdentityNotificationEndpoints
{
    private static readonly JsonSerializerOptions PascalCase = new();

    public static async Task<IResult> V2PutFeedbackAsync(SesApiRequest<PutFeedbackAttributesRequest> api, IdentityNotificationsService notifications, string identity)
    {
        ArgumentNullException.ThrowIfNull(api);
        var set = await notifications.SetForwardingAsync(api.Caller, api.Region, identity, api.Body.EmailForwardingEnabled ?? false, api.Aborted);
        return set.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(set.Error);
    }

    public static async Task<IResult> V1SetTopicAsync(V1Request request, IdentityNotificationsService notifications)
    {
        ArgumentNullException.ThrowIfNull(request);
        var identity = NameOf(request, request.Field("Identity") ?? "");
        var type = IdentityNotificationsService.ParseType(request.Field("NotificationType"));
        if (!type.IsSuccess)
        {
            return request.Error(type.Error);
        }

        var set = await notifications.SetTopicAsync(request.Caller, request.Region, identity, type.Value, request.Field("SnsTopic"), request.Aborted);
        return set.IsSuccess ? request.Result("") : V1Error(request, identity, set.Error);
    }

    public static async Task<IResult> V1SetForwardingAsync(V1Request request, IdentityNotificationsService notifications)
    {
        ArgumentNullException.ThrowIfNull(request);
        var enabled = request.Field("ForwardingEnabled");
        if (enabled is not ("true" or "false"))
        {
            return request.Error(new Error("InvalidParameterValue", "ForwardingEnabled must be true or false."));
        }

        var identity = NameOf(request, request.Field("Identity") ?? "");
        var set = await notifications.SetForwardingAsync(request.Caller, request.Region, identity, enabled == "true", request.Aborted);
        return set.IsSuccess ? request.Result("") : V1Error(request, identity, set.Error);
    }

    public static async Task<IResult> V1SetHeadersAsync(V1Request request, IdentityNotificationsService notifications)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = IdentityNotificationsService.ParseType(request.Field("NotificationType"));
        if (!type.IsSuccess)
        {
            return request.Error(type.Error);
        }

        var enabled = request.Field("Enabled");
        if (enabled is not ("true" or "false"))
        {
            return request.Error(new Error("InvalidParameterValue", "Enabled must be true or false."));
        }

        var identity = NameOf(request, request.Field("Identity") ?? "");
        var set = await notifications.SetHeadersAsync(request.Caller, request.Region, identity, type.Value, enabled == "true", request.Aborted);
        return set.IsSuccess ? request.Result("") : V1Error(request, identity, set.Error);
    }

    /// <summary>GetIdentityNotificationAttributes: unknown identities are left out of the map, as SES does.</summary>
    public static async Task<IResult> V1GetAttributesAsync(V1Request request, IdentityNotificationsService notifications)
    {
        ArgumentNullException.ThrowIfNull(request);
        var names = request.Members("Identities");
        if (names.Count > SesApiIdentitySettingsEndpoints.MaxIdentitiesPerCall)
        {
            return request.Error(new Error("InvalidParameterValue",
                $"At most {SesApiIdentitySettingsEndpoints.MaxIdentitiesPerCall} identities can be requested in one call; {names.Count} were given."));
        }

        var entries = new StringBuilder();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if ((await notifications.GetAsync(request.Caller, request.Region, NameOf(request, name), request.Aborted)).Value is not { } view)
            {
                continue;
            }

            var s = view.Settings;
            entries.Append("<entry><key>").Append(SecurityElement.Escape(name)).Append("</key><value>")
                .Append(Topic("BounceTopic", s.BounceTopicArn)).Append(Topic("ComplaintTopic", s.ComplaintTopicArn)).Append(Topic("DeliveryTopic", s.DeliveryTopicArn))
                .Append("<ForwardingEnabled>").Append(Bool(s.ForwardingEnabled)).Append("</ForwardingEnabled>")
                .Append("<HeadersInBounceNotificationsEnabled>").Append(Bool(s.HeadersInBounce)).Append("</HeadersInBounceNotificationsEnabled>")
                .Append("<HeadersInComplaintNotificationsEnabled>").Append(Bool(s.HeadersInComplaint)).Append("</HeadersInComplaintNotificationsEnabled>")
                .Append("<HeadersInDeliveryNotificationsEnabled>").Append(Bool(s.HeadersInDelivery)).Append("</HeadersInDeliveryNotificationsEnabled>")
                .Append("</value></entry>");
        }

        return request.Result($"<NotificationAttributes>{entries}</NotificationAttributes>");
    }

    /// <summary>
    /// SES takes an identity by name or by ARN; an ARN counts only when it names the caller's own account and the request's
    /// region, so another account's ARN stays unknown.
    /// </summary>
    private static string NameOf(V1Request request, string identity) =>
        identity.StartsWith("arn:", StringComparison.Ordinal) && IdentityArn.Parse(identity) is { IsSuccess: true } arn
            && arn.Value.Account.Value == request.Caller.AccountId && arn.Value.Region == request.Region
            ? arn.Value.IdentityName
            : identity;

    private static string Topic(string element, string? arn) => arn is null ? "" : $"<{element}>{SecurityElement.Escape(arn)}</{element}>";

    private static string Bool(bool value) => value ? "true" : "false";

    private static IResult V1Error(V1Request request, string identity, Error error) =>
        error.Code == "identity.not_found"
            ? request.Error(new Error("MessageRejected", $"Identity {identity} is not verified or does not exist."), "MessageRejected")
            : request.Error(error);
}
