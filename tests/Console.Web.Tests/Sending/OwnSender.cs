using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Sending;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>
/// A production account of its own with a verified domain <c>q{id}.example</c>, sending as itself through
/// <see cref="SendService"/>: quotas, rates and reputation not shared with other tests.
/// </summary>
internal sealed record OwnSender(AppFixture App, string Account, string Domain)
{
    public static async Task<OwnSender> CreateAsync(AppFixture app, int max24, double rate, CancellationToken ct)
    {
        var id = AccountId.NewRandom().Value;
        var domain = $"q{id}.example";
        await using var db = app.Db();
        db.Accounts.Add(new AccountEntity
        {
            Id = id, DisplayName = "Sender " + id, HomeRegions = "us-east-1", Sandbox = false, SendingEnabled = true,
            Max24HourSend = max24, MaxSendRate = rate, CreatedAt = DateTimeOffset.UtcNow,
        });
        db.SendingIdentities.Add(new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = id, Region = "us-east-1", Type = SendingIdentityType.Domain, Name = domain,
            VerificationStatus = VerificationStatus.Success, VerificationStatusSince = DateTimeOffset.UtcNow, CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(ct);
        return new OwnSender(app, id, domain);
    }

    /// <summary>The account's root sends as itself (no ARN: its own verified domain) to <paramref name="to"/> at <paramref name="at"/>.</summary>
    public Task<SendOutcome> SendAsync(DateTimeOffset at, CancellationToken ct, params string[] to)
    {
        var caller = new SendCaller(RequestPrincipal.ForAccount(AccountId.Parse(Account).Value), SourceIp: "127.0.0.1");
        var request = new SendRequest(caller, SendApi.V2Simple, "us-east-1", at, new SimpleContent(to, Subject: "Hello", TextBody: "Body"))
        {
            Source = $"news@{Domain}",
        };
        return App.Get<SendService>().SendAsync(request, "Test", ct);
    }
}
