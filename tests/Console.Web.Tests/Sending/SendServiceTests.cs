using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>The whole send path over real SQLite: pipeline, persistence, outbox delivery to the local sink, DKIM.</summary>
public sealed class SendServiceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/brand.example";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task EnsureOwnerDomainAsync(string? policy)
    {
        await using var db = app.Db();
        var identity = await db.SendingIdentities.Include(i => i.Policies).SingleOrDefaultAsync(i => i.Name == "brand.example", Ct);
        if (identity is null)
        {
            await app.Get<IdentitiesService>().CreateDomainAsync(app.OwnerA, "us-east-1", "brand.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
            identity = await db.SendingIdentities.Include(i => i.Policies).SingleAsync(i => i.Name == "brand.example", Ct);
            // As if DNS showed the records.
            (identity.VerificationStatus, identity.DkimStatus, identity.DkimSigningEnabled) = (VerificationStatus.Success, VerificationStatus.Success, true);
        }

        db.IdentityPolicies.RemoveRange(identity.Policies);
        if (policy is not null)
        {
            db.IdentityPolicies.Add(new IdentityPolicyEntity { Id = Guid.NewGuid(), IdentityId = identity.Id, Name = "Delegate", Document = policy, UpdatedBy = "test" });
        }

        await db.SaveChangesAsync(Ct);
    }

    private async Task<SendOutcome> SendAsDelegateAsync(string to = "reader@customer.example")
    {
        var service = app.Get<SendService>();
        var caller = await service.CallerAsync(app.IamUserB, "127.0.0.1", secureTransport: true, Ct);
        var request = new SendRequest(caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
            new SimpleContent([to], Subject: "Hello", TextBody: "Body"))
        {
            Source = "Brand News <news@brand.example>",
            FromArn = Arn,
            SourceArn = Arn,
        };
        return await service.SendAsync(request, "Test", Ct);
    }

    [Fact]
    public async Task Cross_account_send_allowed_by_both_sides_is_delivered_signed_with_the_owners_key_and_without_ses_headers()
    {
        await EnsureOwnerDomainAsync("""
            { "Version": "2012-10-17", "Statement": [ { "Sid": "AllowAgency", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
              "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "arn:aws:ses:us-east-1:111111111111:identity/brand.example" } ] }
            """);

        var outcome = await SendAsDelegateAsync();

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
        var row = await app.Factory.Services.DeliveredAsync(outcome.MessageId!, Ct);
        await using var db = app.Db();
        Assert.Equal("222222222222", row.AccountId);
        var message = await MimeMessage.LoadAsync(new MemoryStream(row.Mime), Ct);
        Assert.DoesNotContain(message.Headers, h => h.Field.StartsWith("X-SES-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal($"{outcome.MessageId}@us-east-1.amazonses.com", message.MessageId); // the plan's Message-ID, as the API answers it
        var signature = message.Headers.Single(h => h.Id == HeaderId.DkimSignature);
        var key = await db.DkimKeys.FirstAsync(k => signature.Value.Contains("s=" + k.Selector), Ct);
        Assert.True(new DkimVerifier(new OneKey(DkimRecord.TxtValue(key.PublicKey))).Verify(message, signature, Ct));
        var attempt = await db.SendAttempts.SingleAsync(a => a.MessageId == outcome.MessageId, Ct);
        Assert.Equal("111111111111", attempt.OwnerAccountId);
        Assert.Equal(outcome.MessageId, SendAttemptRecord.MailOf(attempt)!.MessageId); // the Send event is the attempt
        Assert.False(await db.SendEvents.AnyAsync(e => e.MessageId == outcome.MessageId && e.Type == "Send", Ct));
        Assert.True(await db.UsageLedger.AnyAsync(u => u.MessageId == outcome.MessageId && u.AccountId == "222222222222", Ct));
    }

    [Fact]
    public async Task Cross_account_send_without_an_owner_policy_is_AccessDenied_and_recorded()
    {
        await EnsureOwnerDomainAsync(policy: null);

        var outcome = await SendAsDelegateAsync();

        Assert.False(outcome.IsAccepted);
        Assert.Equal("AccessDenied", outcome.Rejection!.V1.Code);
        Assert.Equal(403, outcome.Rejection.V1.HttpStatus);
        Assert.Equal("User `arn:aws:iam::222222222222:user/mailer' is not authorized to perform `ses:SendEmail' on resource `arn:aws:ses:us-east-1:111111111111:identity/brand.example'",
            outcome.Rejection.Error.Message);
        await using var db = app.Db();
        Assert.True(await db.SendAttempts.AnyAsync(a => !a.Accepted && a.ErrorCode == "AccessDenied" && a.OwnerAccountId == "111111111111", Ct));
    }

    private sealed class OneKey(string txt) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) => GetPublicKey(txt);

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(GetPublicKey(txt));
    }
}
