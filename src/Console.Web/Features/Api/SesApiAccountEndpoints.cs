using System.Text;
using System.Text.Json;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Sending;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// The caller's account through the SES API: v2 GetAccount and the account's suppression list
/// (Put/Get/List/DeleteSuppressedDestination); v1 GetSendQuota and GetSendStatistics.
/// </summary>
public static class SesApiAccountEndpoints
{
    private static readonly JsonSerializerOptions Json = new();

    public static async Task<IResult> V2GetAccountAsync(SesApiRequest api, AccountsService accounts)
    {
        ArgumentNullException.ThrowIfNull(api);
        var account = await accounts.GetOwnAsync(api.Caller, api.Aborted);
        if (!account.IsSuccess)
        {
            return api.Error(account.Error);
        }

        var a = account.Value;
        return Results.Json(new
        {
            SendQuota = new { a.Max24HourSend, a.MaxSendRate, SentLast24Hours = (double)a.SentLast24Hours },
            a.SendingEnabled,
            ProductionAccessEnabled = !a.Sandbox,
            EnforcementStatus = a.Reputation.Enforcement switch { EnforcementStatus.Paused => "SHUTDOWN", EnforcementStatus.UnderReview => "PROBATION", _ => "HEALTHY" },
            DedicatedIpAutoWarmupEnabled = false,
        }, Json);
    }

    public static async Task<IResult> V1GetSendQuotaAsync(V1Request request, AccountsService accounts)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = await accounts.GetOwnAsync(request.Caller, request.Aborted);
        if (!account.IsSuccess)
        {
            return request.Error(account.Error);
        }

        var q = account.Value;
        return request.Result(FormattableString.Invariant($"<Max24HourSend>{q.Max24HourSend:0.0}</Max24HourSend><MaxSendRate>{q.MaxSendRate:0.0}</MaxSendRate><SentLast24Hours>{q.SentLast24Hours:0.0}</SentLast24Hours>"));
    }

    public static async Task<IResult> V1GetSendStatisticsAsync(V1Request request, AccountsService accounts)
    {
        ArgumentNullException.ThrowIfNull(request);
        var statistics = await accounts.GetSendStatisticsAsync(request.Caller, request.Aborted);
        if (!statistics.IsSuccess)
        {
            return request.Error(statistics.Error);
        }

        var points = new StringBuilder("<SendDataPoints>");
        foreach (var p in statistics.Value)
        {
            points.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"<member><Timestamp>{p.Timestamp.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}</Timestamp><DeliveryAttempts>{p.DeliveryAttempts}</DeliveryAttempts><Bounces>{p.Bounces}</Bounces><Complaints>{p.Complaints}</Complaints><Rejects>{p.Rejects}</Rejects></member>");
        }

        return request.Result(points.Append("</SendDataPoints>").ToString());
    }

    public static async Task<IResult> V2PutSuppressedAsync(SesApiRequest<PutSuppressedDestinationRequest> api, SuppressionService suppression)
    {
        ArgumentNullException.ThrowIfNull(api);
        var put = await suppression.PutAsync(api.Caller, api.Body.EmailAddress ?? "", api.Body.Reason ?? "", api.Aborted);
        return put.IsSuccess ? Results.Json(new { }, Json) : api.Error(put.Error!);
    }

    public static async Task<IResult> V2ListSuppressedAsync(SesApiRequest api, SuppressionService suppression)
    {
        ArgumentNullException.ThrowIfNull(api);
        var list = await suppression.ListAsync(api.Caller, api.Aborted);
        return list.IsSuccess
            ? Results.Json(new { SuppressedDestinationSummaries = list.Value.Select(r => new { EmailAddress = r.Address, r.Reason, LastUpdateTime = r.At.ToUnixTimeSeconds() }) }, Json)
            : api.Error(list.Error);
    }

    public static async Task<IResult> V2GetSuppressedAsync(SesApiRequest api, SuppressionService suppression, string address)
    {
        ArgumentNullException.ThrowIfNull(api);
        var list = await suppression.ListAsync(api.Caller, api.Aborted);
        if (!list.IsSuccess)
        {
            return api.Error(list.Error);
        }

        var row = list.Value.FirstOrDefault(r => string.Equals(r.Address, address, StringComparison.OrdinalIgnoreCase));
        return row is null
            ? api.Error(new Error("suppression.not_found", $"Email address {address} does not exist on your suppression list."))
            : Results.Json(new { SuppressedDestination = new { EmailAddress = row.Address, row.Reason, LastUpdateTime = row.At.ToUnixTimeSeconds() } }, Json);
    }

    public static async Task<IResult> V2DeleteSuppressedAsync(SesApiRequest api, SuppressionService suppression, string address)
    {
        ArgumentNullException.ThrowIfNull(api);
        var deleted = await suppression.DeleteAsync(api.Caller, address, api.Aborted);
        return deleted.IsSuccess ? Results.Json(new { }, Json) : api.Error(deleted.Error!);
    }
}
