using System.Collections.Frozen;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using SesConsole.Domain.Primitives;

namespace SesConsole.Web.Features.Api;

/// <summary>One v1 action: its <c>Action</c> name and its handler, a minimal-API delegate (a <see cref="V1Request"/> and injected services).</summary>
public sealed record SesApiV1Action(string Name, Delegate Handler);

/// <summary>
/// The v1 (Query) API: one endpoint, <c>POST /</c>, whose <c>Action</c> field picks the handler from <see cref="Actions"/>
/// (docs/ses-api.md#v1-actions). Each handler is built once, on its first call, by ASP.NET Core's
/// <see cref="RequestDelegateFactory"/>, so its services are injected exactly as for the v2 routes; the form is parsed once
/// here and handed to it as a <see cref="V1Request"/>. Another <c>Action</c> is SES's <c>InvalidAction</c> (400).
/// </summary>
public sealed class SesApiV1
{
    /// <summary>Every v1 action the console answers (the table of docs/ses-api.md#v1-actions).</summary>
    public static IReadOnlyList<SesApiV1Action> Actions { get; } =
    [
        new("SendEmail", SesApiSendEndpoints.V1SendEmailAsync),
        new("SendRawEmail", SesApiSendEndpoints.V1SendRawEmailAsync),
        new("SendTemplatedEmail", SesApiSendEndpoints.V1SendTemplatedEmailAsync),
        new("SendBulkTemplatedEmail", SesApiSendEndpoints.V1SendBulkTemplatedEmailAsync),
        new("VerifyEmailIdentity", SesApiIdentityEndpoints.V1VerifyEmailAsync),
        new("VerifyEmailAddress", SesApiIdentityEndpoints.V1VerifyEmailAsync),
        new("VerifyDomainIdentity", SesApiIdentityEndpoints.V1VerifyDomainAsync),
        new("ListIdentities", SesApiIdentityEndpoints.V1ListAsync),
        new("GetIdentityVerificationAttributes", SesApiIdentityEndpoints.V1GetVerificationAttributesAsync),
        new("DeleteIdentity", SesApiIdentityEndpoints.V1DeleteAsync),
        new("VerifyDomainDkim", SesApiIdentitySettingsEndpoints.V1VerifyDomainDkimAsync),
        new("GetIdentityDkimAttributes", SesApiIdentitySettingsEndpoints.V1GetDkimAttributesAsync),
        new("SetIdentityDkimEnabled", SesApiIdentitySettingsEndpoints.V1SetDkimEnabledAsync),
        new("SetIdentityMailFromDomain", SesApiIdentitySettingsEndpoints.V1SetMailFromDomainAsync),
        new("GetIdentityMailFromDomainAttributes", SesApiIdentitySettingsEndpoints.V1GetMailFromAttributesAsync),
        new("SetIdentityNotificationTopic", SesApiIdentityNotificationEndpoints.V1SetTopicAsync),
        new("GetIdentityNotificationAttributes", SesApiIdentityNotificationEndpoints.V1GetAttributesAsync),
        new("SetIdentityFeedbackForwardingEnabled", SesApiIdentityNotificationEndpoints.V1SetForwardingAsync),
        new("SetIdentityHeadersInNotificationsEnabled", SesApiIdentityNotificationEndpoints.V1SetHeadersAsync),
        new("PutIdentityPolicy", SesApiPolicyEndpoints.V1PutAsync),
        new("GetIdentityPolicies", SesApiPolicyEndpoints.V1GetAsync),
        new("ListIdentityPolicies", SesApiPolicyEndpoints.V1ListAsync),
        new("DeleteIdentityPolicy", SesApiPolicyEndpoints.V1DeleteAsync),
        new("CreateConfigurationSet", SesApiConfigurationSetEndpoints.V1CreateAsync),
        new("DescribeConfigurationSet", SesApiConfigurationSetEndpoints.V1DescribeAsync),
        new("ListConfigurationSets", SesApiConfigurationSetEndpoints.V1ListAsync),
        new("DeleteConfigurationSet", SesApiConfigurationSetEndpoints.V1DeleteAsync),
        new("CreateConfigurationSetEventDestination", SesApiEventDestinationEndpoints.V1CreateAsync),
        new("UpdateConfigurationSetEventDestination", SesApiEventDestinationEndpoints.V1UpdateAsync),
        new("DeleteConfigurationSetEventDestination", SesApiEventDestinationEndpoints.V1DeleteAsync),
        new("GetSendQuota", SesApiAccountEndpoints.V1GetSendQuotaAsync),
        new("GetSendStatistics", SesApiAccountEndpoints.V1GetSendStatisticsAsync),
        new("GetAccountSendingEnabled", SesApiAccountEndpoints.V1GetSendingEnabledAsync),
        new("UpdateAccountSendingEnabled", SesApiAccountEndpoints.V1UpdateSendingEnabledAsync),
    ];

    private readonly FrozenDictionary<string, Lazy<RequestDelegate>> _handlers;

    /// <param name="options">How the handlers are built: the app's services, so that their service parameters are injected.</param>
    public SesApiV1(RequestDelegateFactoryOptions options) =>
        _handlers = Actions.ToFrozenDictionary(a => a.Name,
            a => new Lazy<RequestDelegate>(() => RequestDelegateFactory.Create(a.Handler, options).RequestDelegate), StringComparer.Ordinal);

    /// <summary>The handler of <c>POST /</c> (inside the SES API group, so authenticated): parse the form, run the action's handler.</summary>
    public async Task<IResult> DispatchAsync(SesApiRequest api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var form = new Dictionary<string, StringValues>(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(api.RawBody.Span)), StringComparer.Ordinal);
        var action = form.TryGetValue("Action", out var value) ? value.ToString() : "";
        if (!_handlers.TryGetValue(action, out var handler))
        {
            return SesApiErrors.V1(api.Http, new Error("InvalidAction", $"The action {action} is not valid for this web service."));
        }

        api.Http.Features.Set(new V1Request(api, action, form));
        await handler.Value(api.Http);
        return Results.Empty;
    }
}
