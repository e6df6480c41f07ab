using SesConsole.Data.Entities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sending;

public sealed class SendingActivityServiceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delegate_sees_its_sends_owner_sees_delegates_on_its_identities_and_others_see_nothing()
    {
        var messageId = Guid.NewGuid().ToString("N");
        await using (var db = app.Db())
        {
            db.SendAttempts.Add(Attempt(accepted: true, messageId, recipients: 3));
            db.SendAttempts.Add(Attempt(accepted: false, null, recipients: 1));
            db.SendEvents.Add(new SendEventEntity
            {
                Id = Guid.NewGuid(), MessageId = messageId, AccountId = "222222222222", OwnerAccountId = "111111111111",
                SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com", Type = "Delivery", Recipient = "r@example.net", Json = "{}", At = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(Ct);
        }

        var service = app.Get<SendingActivityService>();
        var stranger = new Caller("s", "s", "999999999999", null, "arn:aws:iam::999999999999:root", false);

        var delegateSends = (await service.ListAsync(app.OwnerB, ActivityScope.MySends, ct: Ct)).Value!;
        var ownerView = (await service.ListAsync(app.OwnerA, ActivityScope.DelegatesOnMyIdentities, ct: Ct)).Value!;
        var ownerRejected = (await service.ListAsync(app.OwnerA, ActivityScope.DelegatesOnMyIdentities, accepted: false, ct: Ct)).Value!;
        var totals = await service.DelegatesAsync(app.OwnerA, Ct);

        Assert.Contains(delegateSends, a => a.MessageId == messageId);
        Assert.Contains(ownerView, a => a.MessageId == messageId);
        Assert.All(ownerRejected, a => Assert.False(a.Accepted));
        Assert.Contains(totals, t => t.AccountId == "222222222222" && t.Accepted >= 1 && t.Rejected >= 1 && t.Recipients >= 3);
        Assert.Empty((await service.ListAsync(stranger, ActivityScope.MySends, ct: Ct)).Value!);
        Assert.Empty((await service.ListAsync(stranger, ActivityScope.DelegatesOnMyIdentities, ct: Ct)).Value!);
        Assert.Single((await service.MessageAsync(app.OwnerA, messageId, Ct)).Value!.Events);
        Assert.True((await service.MessageAsync(app.OwnerB, messageId, Ct)).IsSuccess);
        Assert.Equal("activity.not_found", (await service.MessageAsync(stranger, messageId, Ct)).Error?.Code);
    }

    private static SendAttemptEntity Attempt(bool accepted, string? messageId, int recipients) => new()
    {
        Id = Guid.NewGuid(), AccountId = "222222222222", OwnerAccountId = "111111111111", CallerArn = "arn:aws:iam::222222222222:user/mailer",
        IdentityArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com", Api = "SendEmail", Accepted = accepted,
        Step = accepted ? null : "Authorize", ErrorCode = accepted ? null : "AccessDenied", MessageId = messageId, FromAddress = "news@example.com",
        RecipientCount = recipients, At = DateTimeOffset.UtcNow,
    };
}
