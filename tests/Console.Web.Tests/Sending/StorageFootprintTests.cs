using SesConsole.Web.Sending.Delivery;
using SesConsole.Web.Sending;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>
/// What one accepted message costs on disk (docs/storage-and-retention.md#what-a-message-stores): a delegate sends
/// through the real <see cref="SendService"/> into a real SQLite file, as bench/api-load does (v2 SendEmail as the owner's
/// domain, one recipient), and SQLite's <c>dbstat</c> gives the bytes of every table and index.
/// </summary>
public sealed class StorageFootprintTests(ITestOutputHelper output)
{
    private const string Domain = "footprint.example";
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/" + Domain;
    private const int Messages = 400;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_delegates_accepted_message_to_the_simulator_stores_at_most_1_5_KB_over_attempt_events_outbox_and_usage()
    {
        var perMessage = await MeasureAsync("success@simulator.amazonses.com");

        Assert.True(perMessage <= 1536, $"{perMessage:F0} bytes per accepted message");
    }

    [Fact]
    public async Task A_delegates_delivered_message_to_a_real_recipient_keeps_at_most_1_5_KB_of_records_once_its_body_is_dropped()
    {
        // The outbox row goes with its body; the attempt and the Delivery event stay (7.8 KB before this was measured,
        // 2.9 KB while the emptied row stayed; docs/storage-and-retention.md#measured-sizes).
        var perMessage = await MeasureAsync("reader@customer.example", deliver: true);

        Assert.True(perMessage <= 1536, $"{perMessage:F0} bytes per accepted message");
    }

    private async Task<double> MeasureAsync(string recipient, bool deliver = false)
    {
        await using var app = new QuietApp();
        await app.InitializeAsync();
        var factory = app.Factory;
        await app.Get<IdentitiesService>().CreateDomainAsync(app.OwnerA, "us-east-1", Domain, new NewDomainIdentity { DkimKeyLength = 2048 }, Ct);
        await using (var db = app.Db())
        {
            var identity = await db.SendingIdentities.SingleAsync(i => i.Name == Domain, Ct);
            (identity.VerificationStatus, identity.DkimStatus, identity.DkimSigningEnabled) = (VerificationStatus.Success, VerificationStatus.Success, true);
            db.IdentityPolicies.Add(new IdentityPolicyEntity
            {
                Id = Guid.NewGuid(), IdentityId = identity.Id, Name = "Agency", UpdatedBy = "test",
                Document = $$"""
                    { "Version": "2012-10-17", "Statement": [ { "Sid": "AllowAgency", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
                      "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "{{Arn}}" } ] }
                    """,
            });
            var account = await db.Accounts.SingleAsync(a => a.Id == "222222222222", Ct);
            (account.Sandbox, account.Max24HourSend, account.MaxSendRate) = (false, int.MaxValue, 1_000_000);
            await db.SaveChangesAsync(Ct);
        }

        var service = app.Get<SendService>();
        var caller = await service.CallerAsync(app.IamUserB, "192.0.2.10", secureTransport: true, Ct);
        var label = deliver ? "delivered" : "simulator";
        var before = Measure(factory.DataDirectory, label + "-before");
        await Parallel.ForEachAsync(Enumerable.Range(0, Messages), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (i, ct) =>
        {
            var request = new SendRequest(caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
                new SimpleContent([recipient], Subject: $"load {i}", TextBody: "Benchmark message."))
            {
                Source = "news@" + Domain,
                FromArn = Arn,
            };
            await using var scope = factory.Services.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<SendService>().SendAsync(request, "SendEmail", ct);
            Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
        });

        if (deliver)
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(Ct);
            var purged = await scope.ServiceProvider.GetRequiredService<SendingRetention>().PurgeAsync(DateTimeOffset.UtcNow.AddDays(2), Ct);
            Assert.Equal(new RetentionResult(0, 0, Messages, 0, 0), purged); // two days on: the bodies and outbox rows go, the records stay
            await using var db = app.Db();
            Assert.Equal(0, await db.OutboxMessages.CountAsync(Ct));
            Assert.Equal(Messages, await db.SendEvents.CountAsync(e => e.Type == "Delivery", Ct));
            await db.MailboxMessages.ExecuteDeleteAsync(Ct); // the local sink is the recipient's side, not the message's record
        }

        var perMessage = (Measure(factory.DataDirectory, label + "-after") - before) / (double)Messages;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {perMessage:F0} bytes per accepted message"));
        return perMessage;
    }

    /// <summary>
    /// Bytes in use (pages minus free pages) after a checkpoint. The SQLite bundled with Microsoft.Data.Sqlite has no
    /// <c>dbstat</c>; with <c>SESCONSOLE_FOOTPRINT_DIR</c> set, the database is copied there before and after the load
    /// so that bench/storage-footprint/measure.sh can break the growth down by table and index with the sqlite3 CLI.
    /// </summary>
    private static long Measure(string dataDirectory, string label)
    {
        var path = Path.Combine(dataDirectory, "sesconsole.db");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        long Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        Scalar("PRAGMA wal_checkpoint(TRUNCATE)");
        if (Environment.GetEnvironmentVariable("SESCONSOLE_FOOTPRINT_DIR") is { Length: > 0 } copyTo)
        {
            Directory.CreateDirectory(copyTo);
            File.Copy(path, Path.Combine(copyTo, label + ".db"), overwrite: true);
        }

        return (Scalar("PRAGMA page_count") - Scalar("PRAGMA freelist_count")) * Scalar("PRAGMA page_size");
    }

    /// <summary>The app without its background delivery and DNS workers: only this test writes.</summary>
    private sealed class QuietApp() : AppFixture(new Dictionary<string, string?>
    {
        ["Sending:Delivery:PollInterval"] = "00:00:00",
        ["Identities:RecheckInterval"] = "00:00:00",
    });
}
