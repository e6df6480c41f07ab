using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Hosting;
using SesConsole.Web.Tests.Features.Api;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>
/// The console's own instrumentation (docs/observability.md#traces, docs/observability.md#metrics) seen by a plain
/// <see cref="ActivityListener"/> and <see cref="MeterListener"/> while real SigV4-signed v2 SendEmail calls go through
/// Kestrel: the <c>send</c> span with its step events and tags, and the counters of this host's <c>SesConsole</c> meter.
/// Spans are told apart from other test classes' by the identity ARN (each test's own domain); the meter is this host's.
/// </summary>
public sealed class SendTelemetryTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Arn(string identity) => $"arn:aws:ses:us-east-1:111111111111:identity/{identity}";

    private async Task SeedDomainAsync(string domain)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        db.SendingIdentities.Add(new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Type = SendingIdentityType.Domain, Name = domain,
            VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
        });
        await db.SaveChangesAsync(Ct);
    }

    private static string Body(string from, string to, string? fromArn = null) => System.Text.Json.JsonSerializer.Serialize(new
    {
        FromEmailAddress = from,
        FromEmailAddressIdentityArn = fromArn,
        Destination = new { ToAddresses = new[] { to } },
        Content = new { Simple = new { Subject = new { Data = "Telemetry" }, Body = new { Text = new { Data = "Hello" } } } },
    });

    [Fact]
    public async Task Accepted_send_makes_a_send_span_with_every_step_and_counts_the_send_the_quota_and_the_delivery()
    {
        var domain = "otel-accepted.example";
        await SeedDomainAsync(domain);
        using var telemetry = new TelemetryRecorder(api.Server.App.Services.GetRequiredService<IMeterFactory>());

        var response = await api.A.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", Body($"news@{domain}", "reader@customer.example"));

        Assert.True(response.Status == 200, response.Body);
        var messageId = response.Json.GetProperty("MessageId").GetString()!;
        var span = Assert.Single(telemetry.Spans(Arn(domain)));
        Assert.Equal(SesConsoleTelemetry.SendSpan, span.OperationName);
        Assert.Equal("accepted", span.GetTagItem("ses.outcome"));
        Assert.Equal("111111111111", span.GetTagItem("ses.caller.account"));
        Assert.Equal("arn:aws:iam::111111111111:root", span.GetTagItem("ses.caller.arn"));
        Assert.Equal("v2", span.GetTagItem("ses.api"));
        Assert.Equal("SendEmail (v2)", span.GetTagItem("ses.entry"));
        Assert.Equal(messageId, span.GetTagItem("ses.message.id"));
        Assert.Null(span.GetTagItem("ses.error.code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal(
            ["caller", "message", "identities", "authorization", "sandbox", "configuration-set", "account", "accept", "recipients"],
            span.Events.Select(e => (string)e.Tags.Single(t => t.Key == "ses.step.name").Value!));
        Assert.All(span.Events, e => Assert.Equal("passed", e.Tags.Single(t => t.Key == "ses.step.status").Value));

        var send = Assert.Single(telemetry.Measurements("sesconsole.sends"));
        Assert.Equal(1, send.Value);
        Assert.Equal("accepted", send.Tags["ses.outcome"]);
        Assert.Equal("v2", send.Tags["ses.api"]);
        Assert.False(send.Tags.ContainsKey("ses.error.code"));
        var charged = Assert.Single(telemetry.Measurements("sesconsole.quota.recipients_charged"));
        Assert.Equal(1, charged.Value);
        Assert.Equal("111111111111", charged.Tags["ses.sending.account"]);

        // Made durable by a group commit: its size and duration are recorded (docs/observability.md#metrics).
        var commit = Assert.Single(telemetry.Measurements("sesconsole.group_commit.size"), m => (string?)m.Tags["sesconsole.group_commit.kind"] == "sends");
        Assert.Equal(1, commit.Value);
        Assert.Contains(telemetry.Measurements("sesconsole.group_commit.duration"), m => (string?)m.Tags["sesconsole.group_commit.kind"] == "sends" && m.Value > 0);
        // The request waited for that commit: at least as long as the commit itself took.
        var stored = Assert.Single(telemetry.Measurements("sesconsole.send.store.duration"));
        Assert.True(stored.Value >= telemetry.Measurements("sesconsole.group_commit.duration").Where(m => (string?)m.Tags["sesconsole.group_commit.kind"] == "sends").Min(m => m.Value),
            $"store {stored.Value} s is shorter than the commit it waited for");

        // The background worker delivers it to the local sink: one "delivered" and one latency.
        await api.Server.App.Services.DeliveredAsync(messageId, Ct);
        await telemetry.WaitForAsync("sesconsole.deliveries", Ct);
        var delivered = Assert.Single(telemetry.Measurements("sesconsole.deliveries"));
        Assert.Equal("delivered", delivered.Tags["ses.delivery.result"]);
        await telemetry.WaitForAsync("sesconsole.delivery.latency", Ct);
        Assert.True(Assert.Single(telemetry.Measurements("sesconsole.delivery.latency")).Value >= 0);
    }

    [Fact]
    public async Task Denied_send_counts_as_denied_with_its_error_code_and_its_span_says_which_step_stopped_it()
    {
        var domain = "otel-denied.example";
        await SeedDomainAsync(domain);
        using var telemetry = new TelemetryRecorder(api.Server.App.Services.GetRequiredService<IMeterFactory>());

        // Owner B names owner A's identity, and A's identity has no policy for B.
        var response = await api.B.V2Async(HttpMethod.Post, "/v2/email/outbound-emails",
            Body($"news@{domain}", "success@simulator.amazonses.com", Arn(domain)));

        Assert.Equal(403, response.Status);
        Assert.Equal("AccessDeniedException", response.ErrorType);
        var send = Assert.Single(telemetry.Measurements("sesconsole.sends"));
        Assert.Equal("denied", send.Tags["ses.outcome"]);
        Assert.Equal("AccessDeniedException", send.Tags["ses.error.code"]);
        Assert.Empty(telemetry.Measurements("sesconsole.quota.recipients_charged"));
        var span = Assert.Single(telemetry.Spans(Arn(domain)));
        Assert.Equal("denied", span.GetTagItem("ses.outcome"));
        Assert.Equal("222222222222", span.GetTagItem("ses.caller.account"));
        Assert.Equal("AccessDeniedException", span.GetTagItem("ses.error.code"));
        Assert.Equal("authorization", span.GetTagItem("ses.step.stopped"));
        var steps = span.Events.Select(e => ((string)e.Tags.Single(t => t.Key == "ses.step.name").Value!, (string)e.Tags.Single(t => t.Key == "ses.step.status").Value!));
        Assert.Equal([("caller", "passed"), ("message", "passed"), ("identities", "passed"), ("authorization", "stopped")], steps);
    }

    [Fact]
    public async Task Outbox_backlog_gauge_counts_the_pending_messages_of_this_hosts_database()
    {
        await using (var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            // Pending but not due for a day: the worker leaves it in the outbox.
            var now = DateTimeOffset.UtcNow;
            db.OutboxMessages.Add(new OutboxMessageEntity
            {
                Id = Guid.NewGuid(), MessageId = "ooto.backlog-gauge", AccountId = "111111111111", SourceArn = Arn("otel-backlog.example"),
                EnvelopeFrom = "a@otel-backlog.example", Recipients = "b@otel-backlog.example", Mime = [], NextAttemptAt = now.AddDays(1), CreatedAt = now,
            });
            await db.SaveChangesAsync(Ct);
        }

        int expected;
        await using (var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            expected = await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Pending, Ct);
        }

        using var telemetry = new TelemetryRecorder(api.Server.App.Services.GetRequiredService<IMeterFactory>());
        _ = api.Service<ConsoleMetrics>(); // made with the first send; made here if no test sent yet
        telemetry.Collect();

        Assert.True(expected >= 1);
        Assert.Equal(expected, Assert.Single(telemetry.Measurements("sesconsole.outbox.backlog")).Value);
    }
}

/// <summary>Records the <c>SesConsole</c> source's spans (any host) and one host's <c>SesConsole</c> meter's measurements.</summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public TelemetryRecorder(IMeterFactory hostMeters)
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SesConsoleTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SesConsoleTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, hostMeters))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
        _meters.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
        _meters.SetMeasurementEventCallback<int>((i, value, tags, _) => Add(i, value, tags));
        _meters.Start();
    }

    public IReadOnlyList<Activity> Spans(string identityArn) =>
        [.. _spans.Where(a => a.OperationName == SesConsoleTelemetry.SendSpan && (string?)a.GetTagItem("ses.identity.arn") == identityArn)];

    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Measurements(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags))];

    public void Collect() => _meters.RecordObservableInstruments();

    /// <summary>Waits for <paramref name="count"/> measurements of <paramref name="instrument"/> (recorded on a background worker), up to 10 s.</summary>
    public async Task WaitForAsync(string instrument, CancellationToken ct, int count = 1)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (Measurements(instrument).Count < count)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }
}
