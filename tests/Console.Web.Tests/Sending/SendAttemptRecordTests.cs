using SesConsole.Web.Sending;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>
/// What an attempt stores (docs/storage-and-retention.md#attempts): the deciding statements, named only where both
/// readers (the delegate and the identity's owner) may see them; the full explanation only for test sends and rejections.
/// </summary>
public sealed class SendAttemptRecordTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Domain = "record.example";
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/" + Domain;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The owner's policy "PartnerPolicy": the delegate may send (AllowAgency) but not as ceo@ (NoAgencyAsCeo); another partner's grant (OtherPartner).</summary>
    private async Task EnsureOwnerDomainAsync()
    {
        await using var db = app.Db();
        if (await db.SendingIdentities.AnyAsync(i => i.Name == Domain, Ct))
        {
            return;
        }

        await app.Get<IdentitiesService>().CreateDomainAsync(app.OwnerA, "us-east-1", Domain, new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        var identity = await db.SendingIdentities.SingleAsync(i => i.Name == Domain, Ct);
        identity.VerificationStatus = VerificationStatus.Success;
        db.IdentityPolicies.Add(new IdentityPolicyEntity
        {
            Id = Guid.NewGuid(), IdentityId = identity.Id, Name = "PartnerPolicy", UpdatedBy = "test", Document = $$"""
                { "Version": "2012-10-17", "Statement": [
                  { "Sid": "AllowAgency", "Effect": "Allow", "Principal": { "AWS": "222222222222" }, "Action": "ses:SendEmail", "Resource": "{{Arn}}" },
                  { "Sid": "NoAgencyAsCeo", "Effect": "Deny", "Principal": { "AWS": "222222222222" }, "Action": "ses:SendEmail", "Resource": "{{Arn}}",
                    "Condition": { "StringEquals": { "ses:FromAddress": "ceo@{{Domain}}" } } },
                  { "Sid": "OtherPartner", "Effect": "Allow", "Principal": { "AWS": "333333333333" }, "Action": "ses:SendEmail", "Resource": "{{Arn}}" } ] }
                """,
        });
        await db.SaveChangesAsync(Ct);
    }

    private async Task<(SendOutcome Outcome, SendAttemptEntity Attempt)> SendAsync(string from, bool explain, string api)
    {
        await EnsureOwnerDomainAsync();
        var service = app.Get<SendService>();
        var caller = await service.CallerAsync(app.IamUserB, "127.0.0.1", secureTransport: true, Ct);
        var request = new SendRequest(caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
            new SimpleContent(["success@simulator.amazonses.com"], Subject: "Hello", TextBody: "Body"))
        {
            Source = from,
            FromArn = Arn,
            Explain = explain,
        };
        var outcome = await service.SendAsync(request, api, Ct);
        await using var db = app.Db();
        var attempt = await db.SendAttempts.AsNoTracking().Where(a => a.Api == api).OrderByDescending(a => a.At).FirstAsync(Ct);
        return (outcome, attempt);
    }

    private static void AssertNamesNothingTheOtherAccountMayNotSee(SendAttemptEntity attempt)
    {
        var stored = $"{attempt.Decision}\n{attempt.ErrorMessage}\n{attempt.Mail}";
        Assert.DoesNotContain("PartnerPolicy", stored, StringComparison.Ordinal); // the owner's policy name
        Assert.DoesNotContain("OtherPartner", stored, StringComparison.Ordinal); // a statement that does not name the delegate
        Assert.DoesNotContain("AllowSesSend", stored, StringComparison.Ordinal); // the delegate's IAM policy, which the owner would read
        Assert.DoesNotContain("SendAsClients", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_accepted_delegated_send_stores_the_deciding_owner_statement_by_Sid_the_mail_object_and_no_explanation()
    {
        var (outcome, attempt) = await SendAsync("news@" + Domain, explain: false, api: "SendEmail");

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
        Assert.Equal("ses:SendEmail: owner Allow by AllowAgency, caller Allow", attempt.Decision);
        Assert.Null(attempt.Explanation);
        Assert.Equal("""{"sourceIp":"127.0.0.1","callerIdentity":"mailer","destination":["success@simulator.amazonses.com"]}""", attempt.Mail);
        var send = (await app.Get<SendingActivityService>().MessageAsync(app.IamUserB, outcome.MessageId!, Ct)).Value!.Events.Single(e => e.Type == "Send");
        Assert.Equal(SesNotificationJson.Serialize(SendEvents.ForAccepted(outcome.Accepted!)[0]), send.Json); // shown as SES writes it
        AssertNamesNothingTheOtherAccountMayNotSee(attempt);
        Assert.Equal(attempt.Decision, (await app.Get<SendingActivityService>().MessageAsync(app.OwnerA, outcome.MessageId!, Ct)).Value!.Attempt!.Decision);
        // No configuration set, feedback to the source, the installation's bounce domain: nothing more to keep (docs/storage-and-retention.md#outbox-rows).
        Assert.Equal(((string?)null, (string?)null, (string?)null), (attempt.ConfigurationSetName, attempt.FeedbackAddress, attempt.MailFromDomain));
    }

    [Fact]
    public async Task A_denied_send_keeps_its_explanation_in_the_delegates_view_naming_only_the_statements_that_name_it()
    {
        var (outcome, attempt) = await SendAsync("ceo@" + Domain, explain: false, api: "SendEmail (denied)");

        Assert.Equal("AccessDenied", outcome.Rejection!.V1.Code);
        Assert.Equal("authorization", attempt.Step);
        Assert.Equal("ses:SendEmail: owner Deny by NoAgencyAsCeo, caller Allow", attempt.Decision);
        Assert.NotNull(attempt.Explanation);
        Assert.Contains("NoAgencyAsCeo", attempt.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("PartnerPolicy", attempt.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("OtherPartner", attempt.Explanation, StringComparison.Ordinal);
        Assert.Null(attempt.Mail);
        AssertNamesNothingTheOtherAccountMayNotSee(attempt);
        // The steps that passed wrote their sentences when the explanation was stored (docs/send-pipeline.md#the-trace).
        Assert.Contains($"From ceo@{Domain}; Source ceo@{Domain}; Return-Path none; 1 recipient(s);", attempt.Explanation, StringComparison.Ordinal);
        Assert.Contains("sending account 222222222222; ", attempt.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_send_keeps_the_statement_by_statement_explanation_with_the_owners_other_statements_left_out()
    {
        var (outcome, attempt) = await SendAsync("news@" + Domain, explain: true, api: "TestSend");

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
        Assert.NotNull(attempt.Explanation);
        Assert.Contains("AllowAgency", attempt.Explanation, StringComparison.Ordinal);
        Assert.Contains("NoAgencyAsCeo", attempt.Explanation, StringComparison.Ordinal); // names the delegate: shown, as on the test-send page
        Assert.Contains("other statement(s) of the owner do not name you", attempt.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("OtherPartner", attempt.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("PartnerPolicy", attempt.Explanation, StringComparison.Ordinal);
        Assert.Contains("AllowSesSend", attempt.Explanation, StringComparison.Ordinal); // the delegate's own policies, in full
        AssertNamesNothingTheOtherAccountMayNotSee(attempt);
    }
}
