using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending.Events;

namespace SesConsole.Web.Tests.Features.ReputationDashboards;

/// <summary>Writes reputation buckets, feedback events and enforcement changes straight into a real SQLite database.</summary>
public sealed class ReputationWorld(IDbContextFactory<ConsoleDbContext> dbFactory)
{
    public static string IdentityArn(string owner, string name) => $"arn:aws:ses:us-east-1:{owner}:identity/{name}";

    public async Task AccountsAsync(params string[] ids)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        foreach (var id in ids.Where(id => !db.Accounts.Any(a => a.Id == id)))
        {
            db.Accounts.Add(new AccountEntity { Id = id, DisplayName = $"Account {id}", HomeRegions = "us-east-1", CreatedAt = DateTimeOffset.UnixEpoch });
        }

        await db.SaveChangesAsync();
    }

    public async Task BucketAsync(string account, string sourceArn, DateTimeOffset hour, long sent, long hardBounces = 0, long complaints = 0, bool test = false, long softBounces = 0)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await ReputationRollup.ApplyAsync(db, [new ReputationDelta(account, sourceArn.Split(':')[4], sourceArn, ReputationDelta.HourOf(hour), test)
        {
            Sent = sent, Delivered = sent - hardBounces, HardBounces = hardBounces, SoftBounces = softBounces, Complaints = complaints, ComplaintEligible = sent - hardBounces,
        }]);
    }

    public async Task BounceAsync(string account, string sourceArn, string recipient, DateTimeOffset at, string messageId, string bounceType = "Permanent", string subType = "General",
        string status = "5.1.1", string diagnostic = "smtp; 550 5.1.1 user unknown", string mta = "dns; mx.receiver.example")
    {
        var e = new SendEvent(SendEventType.Bounce, Mail(account, sourceArn, recipient, at, messageId))
        {
            Bounce = new BounceDetail(bounceType, subType, [new BouncedRecipient(recipient, "failed", status, diagnostic)], at, $"fb-{messageId}", mta),
        };
        await EventAsync(e, account, sourceArn, recipient);
    }

    public async Task ComplaintAsync(string account, string sourceArn, string recipient, DateTimeOffset at, string messageId, string feedbackType = "abuse")
    {
        var e = new SendEvent(SendEventType.Complaint, Mail(account, sourceArn, recipient, at, messageId))
        {
            Complaint = new ComplaintDetail([recipient], at, $"fc-{messageId}", null, feedbackType, "ExampleFBL/1.0", at),
        };
        await EventAsync(e, account, sourceArn, recipient);
    }

    public async Task EnforcementChangeAsync(string account, DateTimeOffset at, EnforcementStatus from, EnforcementStatus to, string reason, string cause = "Automatic")
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        db.EnforcementChanges.Add(new EnforcementChangeEntity
        {
            AccountId = account, At = at, From = from, To = to, Cause = cause, Reason = reason, Volume = 400, Bounces = 24, BounceRate = 0.06,
        });
        await db.Accounts.Where(a => a.Id == account).ExecuteUpdateAsync(s => s.SetProperty(a => a.EnforcementStatus, to));
        await db.SaveChangesAsync();
    }

    private async Task EventAsync(SendEvent e, string account, string sourceArn, string recipient)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        db.SendEvents.Add(new SendEventEntity
        {
            Id = Guid.NewGuid(), MessageId = e.Mail.MessageId, AccountId = account, OwnerAccountId = sourceArn.Split(':')[4], SourceArn = sourceArn,
            Type = e.Type.ToString(), Recipient = recipient, Json = SesNotificationJson.SerializeWithoutMail(e), CountsTowardReputation = e.CountsTowardReputation, At = e.Timestamp,
        });
        await db.SaveChangesAsync();
    }

    private static MailInfo Mail(string account, string sourceArn, string recipient, DateTimeOffset at, string messageId) =>
        new(at.AddMinutes(-1), messageId, "news@" + sourceArn.Split('/')[^1], sourceArn, null, account, $"arn:aws:iam::{account}:root", [recipient]);

    /// <summary>A migrated SQLite file in a temp directory, with its factory.</summary>
    public sealed class Database : IAsyncDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("sesconsole-reputation-").FullName;
        private readonly ServiceProvider _services;

        public Database()
        {
            _services = new ServiceCollection().AddLogging().AddConsoleData(new DatabaseOptions(), _directory).BuildServiceProvider();
            Factory = _services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();
            using var db = Factory.CreateDbContext();
            db.Database.Migrate();
        }

        public IDbContextFactory<ConsoleDbContext> Factory { get; }

        public async ValueTask DisposeAsync()
        {
            await _services.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
