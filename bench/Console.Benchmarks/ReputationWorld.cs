extern alias web;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Data.Sqlite;
using SesConsole.Domain.Sending.Events;
using web::SesConsole.Web.Reputation;

namespace SesConsole.Benchmarks;

/// <summary>
/// A SQLite database with a month of reputation data for the dashboard benchmark (docs/reputation.md#rollups):
/// <see cref="Accounts"/> accounts (the first <see cref="Owners"/> own 4 identities each; every account sends as its own
/// identities and the delegates also as the owners'), <see cref="Events"/> Delivery/Bounce/Complaint events spread over
/// the last 30 days, and the reputation buckets those events add up to — computed by the app's own
/// <see cref="ReputationCounting"/>, exactly as the writers add them. Built once per size and reused (a file under /tmp).
/// </summary>
public static class ReputationWorld
{
    public const int Accounts = 60;
    public const int Owners = 40;
    public const int Events = 1_000_000;

    public static string AccountId(int i) => (100_000_000_000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string IdentityArn(int owner, int n) => $"arn:aws:ses:us-east-1:{AccountId(owner)}:identity/d{n}.owner{owner}.example";

    /// <summary>The data directory holding <c>sesconsole.db</c> with <paramref name="events"/> events, built if missing or older than a day.</summary>
    public static async Task<string> EnsureAsync(int events, DateTimeOffset now)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"sesconsole-reputation-bench-{events}");
        var file = Path.Combine(directory, "sesconsole.db");
        var done = Path.Combine(directory, "seeded");
        if (File.Exists(done) && File.GetLastWriteTimeUtc(done) > now.UtcDateTime.AddDays(-1))
        {
            await RollUpAccountsAsync(file);
            return directory;
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        await SeedAsync(file, events, now);
        await RollUpAccountsAsync(file);
        await File.WriteAllTextAsync(done, now.ToString("O"));
        return directory;
    }

    private static async Task SeedAsync(string file, int events, DateTimeOffset now)
    {
        var options = new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite($"Data Source={file}").Options;
        await using (var db = new SqliteConsoleDbContext(options))
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            for (var i = 0; i < Accounts; i++)
            {
                db.Accounts.Add(new AccountEntity { Id = AccountId(i), DisplayName = $"Account {i}", HomeRegions = "us-east-1", Sandbox = false, CreatedAt = now.AddDays(-60) });
            }

            await db.SaveChangesAsync();
        }

        var counting = new ReputationCounting(Options.Create(new ReputationOptions()));
        var random = new Random(16);
        var deltas = new Dictionary<(string, string, string, DateTimeOffset, bool), ReputationDelta>();
        var batch = new List<object>(20_000);
        var start = now.AddDays(-30);
        for (var n = 0; n < events; n++)
        {
            var sender = random.Next(Accounts);
            var owner = sender < Owners && random.NextDouble() < 0.7 ? sender : random.Next(Owners);
            var arn = IdentityArn(owner, random.Next(4));
            var at = start.AddSeconds(random.NextDouble() * 30 * 86_400);
            var recipient = $"r{random.Next(200_000)}@{(random.Next(10) == 0 ? "gmail.com" : $"isp{random.Next(50)}.example")}";
            var mail = new MailInfo(at.AddSeconds(-2), $"m{n:D9}", "news@" + arn[(arn.LastIndexOf('/') + 1)..], arn, "192.0.2.1", AccountId(sender), "bench", [recipient]);
            var roll = random.NextDouble() * (sender % 7 == 0 ? 0.5 : 1); // every 7th account bounces and complains more
            var e = roll switch
            {
                < 0.03 => SendEvents.Bounce(mail, "Permanent", "General", [new BouncedRecipient(recipient, "failed", "5.1.1", "smtp; 550 5.1.1 user unknown")], at, "dns; mx.isp.example"),
                < 0.04 => SendEvents.Bounce(mail, "Transient", "MailboxFull", [new BouncedRecipient(recipient, "failed", "4.2.2", "smtp; 452 4.2.2 mailbox full")], at, "dns; mx.isp.example"),
                < 0.045 => new SendEvent(SendEventType.Complaint, mail) { Complaint = new ComplaintDetail([recipient], at, SendEvents.FeedbackId(mail.MessageId, "c"), null, "abuse", "isp-fbl", at) },
                _ => SendEvents.Delivery(mail, [recipient], at, "250 2.0.0 OK", "dns; mx.isp.example"),
            };
            batch.Add(new SendEventEntity
            {
                Id = Guid.CreateVersion7(at), MessageId = mail.MessageId, AccountId = mail.SendingAccountId, OwnerAccountId = AccountId(owner), SourceArn = arn,
                Type = e.Type.JsonName(), Recipient = recipient, Json = SesNotificationJson.SerializeWithoutMail(e), At = at, CountsTowardReputation = e.CountsTowardReputation,
            });
            foreach (var d in counting.For(e, mail.SendingAccountId, arn, atHandOver: false))
            {
                var key = (d.AccountId, d.OwnerAccountId, d.SourceArn, d.Hour, d.Test);
                deltas[key] = deltas.TryGetValue(key, out var sum) ? sum.Plus(d) : d;
            }

            if (batch.Count == batch.Capacity)
            {
                await FlushAsync(options, batch);
            }
        }

        // Bounces reported by DSN came after a delivery in real life: the seed counts their recipients as sent.
        batch.AddRange(deltas.Values.Select(d => new ReputationBucketEntity
        {
            AccountId = d.AccountId, OwnerAccountId = d.OwnerAccountId, SourceArn = d.SourceArn, Hour = d.Hour, Test = d.Test,
            Sent = d.Sent + d.HardBounces + d.SoftBounces, Delivered = d.Delivered, HardBounces = d.HardBounces, SoftBounces = d.SoftBounces,
            Complaints = d.Complaints, ComplaintEligible = d.ComplaintEligible, Suppressed = d.Suppressed,
        }));
        await FlushAsync(options, batch);
    }

    /// <summary>Migrates a database seeded by an older build and fills the account-level buckets from the fine-grained ones, as the writers' upserts would have.</summary>
    private static async Task RollUpAccountsAsync(string file)
    {
        await using var db = new SqliteConsoleDbContext(new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite($"Data Source={file}").Options);
        await db.Database.MigrateAsync();
        // The SQLite converter stores a UTC DateTimeOffset as (ticks / 1000) << 11, so a day is 864·10⁹ / 1000 · 2048 units.
        if (!await db.AccountReputationBuckets.AnyAsync(b => b.Day != default))
        {
            await db.AccountReputationBuckets.ExecuteDeleteAsync();
        }

        if (!await db.AccountReputationBuckets.AnyAsync())
        {
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO AccountReputationBuckets (AccountId, Hour, Day, Test, Sent, Delivered, HardBounces, SoftBounces, Complaints, ComplaintEligible, Suppressed)
                SELECT AccountId, Hour, Hour - (Hour % 1769472000000), Test, SUM(Sent), SUM(Delivered), SUM(HardBounces), SUM(SoftBounces), SUM(Complaints), SUM(ComplaintEligible), SUM(Suppressed)
                FROM ReputationBuckets GROUP BY AccountId, Hour, Test
                """);
        }
    }

    private static async Task FlushAsync(DbContextOptions<SqliteConsoleDbContext> options, List<object> batch)
    {
        await using var db = new SqliteConsoleDbContext(options);
        await RowInserter.InsertAsync(db, batch);
        batch.Clear();
    }
}
