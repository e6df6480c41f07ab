using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Sending;

/// <summary>
/// The one entry every message takes (test-send page, HTTP API v1/v2, SMTP): runs the domain <see cref="SendPipeline"/>
/// (built once, with its options from <c>Sending:Pipeline</c>), then hands the outcome to the
/// <see cref="SendAttemptRecorder"/> (rejected) or the <see cref="AcceptedMessageWriter"/> (accepted), which returns only
/// once the message is durable — so the caller gets its MessageId only for a stored message. A dry run stores nothing.
/// See docs/send-pipeline.md#the-sending-module. Each send is one <c>send</c> span with the pipeline's steps as events,
/// and counts in <see cref="ConsoleMetrics"/> (docs/observability.md#traces, docs/observability.md#metrics).
/// </summary>
public sealed class SendService(
    SendPipeline pipeline,
    SendAttemptRecorder attempts,
    AcceptedMessageWriter acceptedMessages,
    IDbContextFactory<ConsoleDbContext> dbFactory,
    SendingReadCache cache,
    ConsoleMetrics? metrics = null)
{
    /// <summary>The pipeline's view of a console or API caller (principal ARN, organization of its account).</summary>
    public async Task<SendCaller> CallerAsync(Caller caller, string? sourceIp, bool secureTransport, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        OrganizationId? organization = null;
        var account = caller.AccountId is null ? null : await AccountSettings.GetAsync(cache, dbFactory, caller.AccountId, ct);
        if (account?.OrganizationId is { } org && OrganizationId.Parse(org).TryGetValue(out var parsed))
        {
            organization = parsed;
        }

        var arn = PrincipalArn.Parse(caller.PrincipalArn).GetValueOrThrow();
        return new SendCaller(RequestPrincipal.ForArn(arn, organization), SourceIp: sourceIp, SecureTransport: secureTransport);
    }

    /// <summary>Runs the pipeline for <paramref name="request"/> and stores the result; <paramref name="api"/> names the entry in the attempt.</summary>
    public async Task<SendOutcome> SendAsync(SendRequest request, string api, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Null (and free) while no listener samples the SesConsole source (docs/observability.md#traces).
        using var activity = SesConsoleTelemetry.Source.StartActivity(SesConsoleTelemetry.SendSpan, ActivityKind.Internal);
        activity?.SetTag(SesConsoleTelemetry.Tags.Entry, api);
        try
        {
            var outcome = await pipeline.RunAsync(request, ct);
            if (activity is not null)
            {
                SesConsoleTelemetry.Describe(activity, request, outcome);
            }

            if (request.DryRun)
            {
                return outcome;
            }

            if (outcome.IsAccepted)
            {
                var storing = Stopwatch.GetTimestamp();
                await acceptedMessages.WriteAsync(request, api, outcome, ct);
                if (metrics?.SendStoreDuration.Enabled == true)
                {
                    metrics.SendStoreDuration.Record(Stopwatch.GetElapsedTime(storing).TotalSeconds);
                }
            }
            else
            {
                await attempts.RecordRejectedAsync(request, api, outcome);
            }

            // Counted once stored: an accepted send whose write failed threw above and is no accepted send.
            metrics?.RecordSend(request, outcome);
            return outcome;
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity.AddException(ex);
            throw;
        }
    }

    /// <summary>
    /// A bulk send (docs/templates.md#bulk-sending): runs the pipeline for each of <paramref name="requests"/> in order
    /// (authorization, condition keys and quota per message), then makes every accepted message durable, together with the
    /// rejected attempts, in <em>one</em> group commit (<see cref="AcceptedMessageWriter.WriteManyAsync"/>). Returns the
    /// outcomes in request order; throws (and no message is accepted, every reservation is given back) when the commit fails.
    /// </summary>
    public async Task<IReadOnlyList<SendOutcome>> SendManyAsync(IReadOnlyList<SendRequest> requests, string api, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        using var activity = SesConsoleTelemetry.Source.StartActivity(SesConsoleTelemetry.SendSpan, ActivityKind.Internal);
        activity?.SetTag(SesConsoleTelemetry.Tags.Entry, api);
        var outcomes = new List<SendOutcome>(requests.Count);
        try
        {
            foreach (var request in requests)
            {
                outcomes.Add(await pipeline.RunAsync(request, ct));
            }
        }
        catch
        {
            // A port failed or the caller went away part way: the entries accepted so far are not (no charge).
            acceptedMessages.Release(outcomes);
            throw;
        }

        if (requests.Count == 0 || requests[0].DryRun)
        {
            return outcomes;
        }

        try
        {
            await acceptedMessages.WriteManyAsync([.. requests.Zip(outcomes)], api, ct);
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity.AddException(ex);
            throw;
        }

        for (var i = 0; i < outcomes.Count; i++)
        {
            metrics?.RecordSend(requests[i], outcomes[i]);
        }

        return outcomes;
    }
}
