using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending.Events;

namespace SesConsole.Web.Hosting;

/// <summary>
/// Thirty days of reputation history for the Development demo world (docs/reputation.md#dashboards), so that the
/// dashboards' charts mean something: the owner sends healthily as its domain, the delegate's bounce rate rises until it
/// is put under review, and both send some mailbox-simulator test traffic. Deterministic: every figure follows from
/// <paramref name="now"/>.
/// </summary>
public static class DemoReputationSeed
{
    public const string Domain = "example.com";

    public static async Task SeedAsync(ConsoleDbContext db, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var arn = $"arn:aws:ses:us-east-1:{DemoWorld.OwnerAccount}:identity/{Domain}";
        var today = ReputationDelta.HourOf(now).AddHours(-now.UtcDateTime.Hour);
        var deltas = new List<ReputationDelta>();
        for (var day = 29; day >= 0; day--)
        {
            for (var block = 0; block < 4; block++)
            {
                var hour = today.AddDays(-day).AddHours((block * 6) + 3);
                if (hour > now)
                {
                    continue;
                }

                // The owner: about 0.5 % bounces and a complaint every other day.
                var ownerSent = 180 + (block * 20);
                deltas.Add(Delta(DemoWorld.OwnerAccount, arn, hour, ownerSent, hard: block == 1 ? 4 : 0, complaints: block == 2 && day % 2 == 0 ? 1 : 0));
                // The delegate: a bounce rate rising from 1 % a month ago to about 8 % in the last days.
                var delegateSent = 60 + (block * 5);
                var rate = 0.01 + (0.07 * (29 - day) / 29.0);
                deltas.Add(Delta(DemoWorld.DelegateAccount, arn, hour, delegateSent, hard: (int)Math.Round(delegateSent * rate), complaints: block == 3 && day % 3 == 0 ? 1 : 0, soft: block == 0 ? 2 : 0));
                if (block == 2 && day % 2 == 0)
                {
                    deltas.Add(Delta(DemoWorld.DelegateAccount, arn, hour, 4, hard: 1, complaints: 1, test: true));
                    deltas.Add(Delta(DemoWorld.OwnerAccount, arn, hour, 3, hard: 1, test: true));
                }
            }
        }

        await ReputationRollup.ApplyAsync(db, deltas, ct: ct);
        var events = new[]
        {
            Bounce(arn, "nobody@receiver.example", now.AddHours(-5), "Permanent", "General", "5.1.1", "smtp; 550 5.1.1 <nobody@receiver.example>: Recipient address rejected: User unknown"),
            Bounce(arn, "former.staff@corp.example", now.AddHours(-4), "Permanent", "NoEmail", "5.1.1", "smtp; 550 5.1.1 The email account that you tried to reach does not exist"),
            Bounce(arn, "busy@mail.example", now.AddHours(-3), "Transient", "MailboxFull", "4.2.2", "smtp; 452 4.2.2 Mailbox full"),
            Bounce(arn, "typo@receiver.example", now.AddHours(-2), "Permanent", "General", "5.1.1", "smtp; 550 5.1.1 user unknown"),
            Complaint(arn, "reader@isp.example", now.AddHours(-1), "abuse"),
            Bounce(arn, "bounce@simulator.amazonses.com", now.AddMinutes(-40), "Permanent", "General", "5.1.1", "smtp; 550 5.1.1 user unknown"),
        };
        db.SendEvents.AddRange(events);
        var review = now.AddDays(-2);
        db.EnforcementChanges.Add(new EnforcementChangeEntity
        {
            AccountId = DemoWorld.DelegateAccount, At = review, From = EnforcementStatus.Healthy, To = EnforcementStatus.UnderReview, Cause = "Automatic",
            Reason = "Bounce rate 5.2 % (183 of 3,520), complaint rate 0.03 % (1 of 3,337) reached the review threshold (5 % bounces or 0.1 % complaints).",
            Volume = 3520, Bounces = 183, Complaints = 1, BounceRate = 0.052, ComplaintRate = 0.0003,
        });
        var delegateAccount = await db.Accounts.FindAsync([DemoWorld.DelegateAccount], ct);
        delegateAccount!.EnforcementStatus = EnforcementStatus.UnderReview;
        await db.SaveChangesAsync(ct);
    }

    private static ReputationDelta Delta(string account, string arn, DateTimeOffset hour, long sent, long hard, long complaints = 0, long soft = 0, bool test = false) =>
        new(account, DemoWorld.OwnerAccount, arn, ReputationDelta.HourOf(hour), test)
        {
            Sent = sent, Delivered = sent - hard, HardBounces = hard, SoftBounces = soft, Complaints = complaints, ComplaintEligible = sent - hard,
        };

    private static SendEventEntity Bounce(string arn, string recipient, DateTimeOffset at, string type, string subType, string status, string diagnostic)
    {
        var messageId = $"demo-{at.ToUnixTimeSeconds():x}-bounce";
        var e = new SendEvent(SendEventType.Bounce, Mail(arn, recipient, at, messageId))
        {
            Bounce = new BounceDetail(type, subType, [new BouncedRecipient(recipient, "failed", status, diagnostic)], at, $"{messageId}-feedback", "dns; mx.receiver.example"),
        };
        return Row(e, recipient);
    }

    private static SendEventEntity Complaint(string arn, string recipient, DateTimeOffset at, string feedbackType)
    {
        var messageId = $"demo-{at.ToUnixTimeSeconds():x}-complaint";
        var e = new SendEvent(SendEventType.Complaint, Mail(arn, recipient, at, messageId))
        {
            Complaint = new ComplaintDetail([recipient], at, $"{messageId}-feedback", null, feedbackType, "ExampleISP-FBL/1.0", at),
        };
        return Row(e, recipient);
    }

    private static MailInfo Mail(string arn, string recipient, DateTimeOffset at, string messageId) =>
        new(at.AddMinutes(-2), messageId, $"news@{Domain}", arn, null, DemoWorld.DelegateAccount, $"arn:aws:iam::{DemoWorld.DelegateAccount}:user/mailer", [recipient])
        {
            IdentityOwnerAccountId = DemoWorld.OwnerAccount,
        };

    private static SendEventEntity Row(SendEvent e, string recipient) => new()
    {
        Id = Guid.NewGuid(), MessageId = e.Mail.MessageId, AccountId = DemoWorld.DelegateAccount, OwnerAccountId = DemoWorld.OwnerAccount, SourceArn = e.Mail.SourceArn,
        Type = e.Type.ToString(), Recipient = recipient, Json = SesNotificationJson.SerializeWithoutMail(e), CountsTowardReputation = e.CountsTowardReputation, At = e.Timestamp,
    };
}
