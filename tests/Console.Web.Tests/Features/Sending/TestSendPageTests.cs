using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sending;

/// <summary>bUnit: the test-send page over the real send path (pipeline, SQLite, outbox) — raw MIME and the engine's explanation.</summary>
public sealed class TestSendPageTests : ConsoleTestContext
{
    private const string Identity = "sender@owner-a.example";
    private const string Arn = $"arn:aws:ses:us-east-1:{AccountA}:identity/{Identity}";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task SeedIdentityAsync(string? policyName = null, string? policy = null)
    {
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        var now = DateTimeOffset.UtcNow;
        var identity = new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = Identity, Type = SendingIdentityType.EmailAddress,
            VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
        };
        db.SendingIdentities.Add(identity);
        if (policy is not null)
        {
            db.IdentityPolicies.Add(new IdentityPolicyEntity { Id = Guid.NewGuid(), IdentityId = identity.Id, Name = policyName!, Document = policy, UpdatedBy = "test" });
        }

        await db.SaveChangesAsync(Ct);
    }

    private IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> RenderPage()
    {
        var (root, _) = RenderWithProviders<TestSendPage>();
        root.WaitForElement("input[data-testid=send-from]");
        return root;
    }

    private static void SelectRawApi(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> root)
    {
        root.Find("[data-testid=send-api]").Closest(".mud-input-control")!.MouseDown();
        root.WaitForElements(".mud-popover-open .mud-list-item").Single(e => e.TextContent.Contains("SendRawEmail", StringComparison.Ordinal)).Click();
        root.WaitForElement("input[data-testid=send-raw-mode]").Change(true);
        root.WaitForElement("textarea[data-testid=send-raw-mime]");
    }

    private static IElement Step(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> root, string step) =>
        root.WaitForElement($"[data-testid=send-step-{step}]");

    [Fact]
    public async Task Raw_mode_sends_the_pasted_MIME_with_the_ARNs_taken_from_the_X_SES_headers()
    {
        await SeedIdentityAsync();
        SignInAsRoot(AccountA);
        var root = RenderPage();
        SelectRawApi(root);
        var sample = root.Find("textarea[data-testid=send-raw-mime]").GetAttribute("value") ?? root.Find("textarea[data-testid=send-raw-mime]").TextContent;
        Assert.Contains("Content-Type: text/plain", sample, StringComparison.Ordinal);

        var mime = $"X-SES-SOURCE-ARN: {Arn}\nX-SES-FROM-ARN: {Arn}\nFrom: Pasted Sender <{Identity}>\nTo: success@simulator.amazonses.com\n" +
                   "Subject: Pasted subject\nX-Custom: kept\nMIME-Version: 1.0\nContent-Type: text/plain\n\nPasted body.\n";
        root.Find("textarea[data-testid=send-raw-mime]").Input(mime);
        root.Find("[data-testid=send-submit]").Click();

        root.WaitForAssertion(() => Assert.Contains("Accepted", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal));
        var message = Step(root, "message");
        Assert.Equal("Passed", message.GetAttribute("data-status"));
        Assert.Contains("Pasted Sender", message.TextContent, StringComparison.Ordinal);
        Assert.Contains($"FromArn {Arn} (Header)", message.TextContent, StringComparison.Ordinal);
        Assert.Contains($"SourceArn {Arn} (Header)", message.TextContent, StringComparison.Ordinal);
        Assert.Contains("the owner account sends from its own identity", Step(root, "authorization").TextContent, StringComparison.Ordinal);

        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        var attempt = await db.SendAttempts.SingleAsync(Ct);
        Assert.True(attempt.Accepted);
        Assert.Equal(Arn, attempt.IdentityArn);
    }

    [Fact]
    public async Task Custom_headers_are_sent_with_the_message_and_a_reserved_or_malformed_one_is_explained()
    {
        await SeedIdentityAsync();
        SignInAsRoot(AccountA);
        var root = RenderPage();
        root.Find("input[data-testid=send-identity]").Input(Arn);
        root.Find("input[data-testid=send-from]").Change(Identity);
        root.Find("input[data-testid=send-to]").Change(Identity); // account A is in the sandbox: to its own verified address

        root.Find("textarea[data-testid=send-headers]").Input("List-Unsubscribe: <https://owner-a.example/u?id=1>\n\nX-Campaign:  spring ");
        root.Find("[data-testid=send-submit]").Click();
        root.WaitForAssertion(() => Assert.Contains("Accepted", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal));

        root.Find("textarea[data-testid=send-headers]").Input("Subject: sneaky");
        root.Find("[data-testid=send-dry-run]").Click();
        root.WaitForAssertion(() => Assert.Contains("InvalidParameterValue (HTTP 400): Header 'Subject' is set by SES", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Stopped", Step(root, "message").GetAttribute("data-status"));

        root.Find("textarea[data-testid=send-headers]").Input("X-Fine: yes\nno colon here");
        root.Find("[data-testid=send-dry-run]").Click();
        root.WaitForAssertion(() => Assert.Equal("The send could not be evaluated: Line 2 of the custom headers has no ':'. Write each header as Name: Value.",
            root.Find("[data-testid=send-error]").TextContent.Trim()));

        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        var mime = MimeKit.MimeMessage.Load(new MemoryStream((await db.OutboxMessages.SingleAsync(Ct)).Mime), Ct);
        Assert.Equal("<https://owner-a.example/u?id=1>", mime.Headers["List-Unsubscribe"]);
        Assert.Equal("spring", mime.Headers["X-Campaign"]);
    }

    [Fact]
    public async Task Malformed_MIME_stops_at_the_message_step_with_the_parse_error()
    {
        await SeedIdentityAsync();
        SignInAsRoot(AccountA);
        var root = RenderPage();
        SelectRawApi(root);

        root.Find("textarea[data-testid=send-raw-mime]").Input("this is not a MIME message at all\n");
        root.Find("[data-testid=send-dry-run]").Click();

        root.WaitForAssertion(() => Assert.Contains("InvalidParameterValue (HTTP 400): The message is not valid MIME", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal));
        var message = Step(root, "message");
        Assert.Equal("Stopped", message.GetAttribute("data-status"));
        Assert.Contains("not valid MIME", message.TextContent, StringComparison.Ordinal);
        Assert.Empty(root.FindAll("[data-testid=send-error]"));
    }

    [Fact]
    public async Task A_denied_delegate_sees_each_statement_that_names_it_by_Sid_and_why_it_did_not_apply_but_no_policy_names()
    {
        await SeedIdentityAsync("SecretPolicyName", $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "OnlyNews", "Effect": "Allow", "Principal": { "AWS": "{{AccountB}}" }, "Action": "ses:SendEmail", "Resource": "{{Arn}}",
                "Condition": { "StringEquals": { "ses:FromAddress": "news@owner-a.example" } } },
              { "Sid": "SomeoneElse", "Effect": "Allow", "Principal": { "AWS": "333333333333" }, "Action": "ses:SendEmail", "Resource": "{{Arn}}" } ] }
            """);
        SignInAsRoot(AccountB);
        var root = RenderPage();
        root.Find("input[data-testid=send-identity]").Input(Arn);
        root.Find("input[data-testid=send-from]").Change(Identity);
        root.Find("input[data-testid=send-to]").Change("reader@customer.example");

        root.Find("[data-testid=send-dry-run]").Click();

        root.WaitForAssertion(() => Assert.Contains("AccessDenied", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal));
        var authorization = Step(root, "authorization");
        Assert.Equal("Stopped", authorization.GetAttribute("data-status"));
        var explanation = authorization.QuerySelector("[data-testid=send-explanation]")!.TextContent;
        Assert.Contains("Denied: cross-account sends need an Allow on both sides", explanation, StringComparison.Ordinal);
        Assert.Contains($"Statement `OnlyNews` did not apply: ses:FromAddress `{Identity}` does not equal `news@owner-a.example`", explanation, StringComparison.Ordinal);
        Assert.Contains("1 other statement(s) of the owner do not name you", explanation, StringComparison.Ordinal);
        Assert.Contains("The account root needs no IAM policy", explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("SomeoneElse", root.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("SecretPolicyName", root.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_explicit_deny_by_the_owners_policy_is_named_by_Sid_only()
    {
        await SeedIdentityAsync("OwnersDenyPolicy", $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "NoAgencyB", "Effect": "Deny", "Principal": { "AWS": "{{AccountB}}" }, "Action": "ses:*", "Resource": "{{Arn}}" } ] }
            """);
        SignInAsRoot(AccountB);
        var root = RenderPage();
        root.Find("input[data-testid=send-identity]").Input(Arn);
        root.Find("input[data-testid=send-from]").Change(Identity);
        root.Find("input[data-testid=send-to]").Change("reader@customer.example");

        root.Find("[data-testid=send-dry-run]").Click();

        root.WaitForAssertion(() => Assert.Contains("AccessDenied", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal));
        var explanation = Step(root, "authorization").QuerySelector("[data-testid=send-explanation]")!.TextContent;
        Assert.Contains("Denied: an explicit Deny on either side wins.", explanation, StringComparison.Ordinal);
        Assert.Contains("Explicitly denied by statement `NoAgencyB`.", explanation, StringComparison.Ordinal);
        Assert.Contains("Statement `NoAgencyB` denies the request", explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("OwnersDenyPolicy", root.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sending_from_an_address_with_its_own_policy_under_the_domain_ARN_says_the_address_policy_decided_and_why()
    {
        const string domain = "owner-a.example";
        const string domainArn = $"arn:aws:ses:us-east-1:{AccountA}:identity/{domain}";
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var (name, type, arn, effect) in new[]
                     {
                         (domain, SendingIdentityType.Domain, domainArn, "Allow"),
                         ("ceo@owner-a.example", SendingIdentityType.EmailAddress, $"arn:aws:ses:us-east-1:{AccountA}:identity/ceo@owner-a.example", "Deny"),
                     })
            {
                var identity = new SendingIdentityEntity
                {
                    Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = name, Type = type,
                    VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
                };
                db.SendingIdentities.Add(identity);
                db.IdentityPolicies.Add(new IdentityPolicyEntity
                {
                    Id = Guid.NewGuid(), IdentityId = identity.Id, Name = "Policy" + effect, UpdatedBy = "test",
                    Document = $$"""{ "Version": "2012-10-17", "Statement": [ { "Sid": "{{effect}}AgencyB", "Effect": "{{effect}}", "Principal": { "AWS": "{{AccountB}}" }, "Action": "ses:SendEmail", "Resource": "{{arn}}" } ] }""",
                });
            }

            await db.SaveChangesAsync(Ct);
        }

        SignInAsRoot(AccountB);
        var root = RenderPage();
        root.Find("input[data-testid=send-identity]").Input(domainArn);
        root.Find("input[data-testid=send-from]").Change("ceo@owner-a.example");
        root.Find("input[data-testid=send-to]").Change("reader@customer.example");

        root.Find("[data-testid=send-dry-run]").Click();

        root.WaitForAssertion(() => Assert.Contains("AccessDenied", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal));
        var source = root.Find("[data-testid=send-policy-source]").TextContent;
        Assert.Equal("Owner's policies: those of ceo@owner-a.example, not of owner-a.example (named by the ARN): ceo@owner-a.example is the most specific " +
                     "verified identity covering ceo@owner-a.example that has policies, so its policies take precedence, evaluated against its own ARN " +
                     $"arn:aws:ses:us-east-1:{AccountA}:identity/ceo@owner-a.example.", source.Trim());
        var explanation = Step(root, "authorization").QuerySelector("[data-testid=send-explanation]")!.TextContent;
        Assert.Contains("Denied: an explicit Deny on either side wins.", explanation, StringComparison.Ordinal);
        Assert.Contains("Explicitly denied by statement `DenyAgencyB`.", explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_sends_show_one_inline_result_for_the_last_send_and_no_snackbar_over_the_trace()
    {
        await SeedIdentityAsync();
        var factory = Service<IDbContextFactory<ConsoleDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            // Three sends in a row, faster than the sandbox's one per second.
            await db.Accounts.Where(a => a.Id == AccountA).ExecuteUpdateAsync(s => s.SetProperty(a => a.MaxSendRate, 100).SetProperty(a => a.Max24HourSend, 1000), Ct);
        }

        SignInAsRoot(AccountA);
        var root = RenderPage();
        root.Find("input[data-testid=send-identity]").Input(Arn);
        root.Find("input[data-testid=send-from]").Change(Identity);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i <= 3; i++)
        {
            root.Find("[data-testid=send-submit]").Click();
            string? newest = null;
            root.WaitForAssertion(() =>
            {
                using var db = factory.CreateDbContext();
                var accepted = db.SendAttempts.Where(a => a.Accepted).Select(a => a.MessageId!).ToList();
                Assert.Equal(seen.Count + 1, accepted.Count);
                newest = accepted.Single(id => !seen.Contains(id));
            });
            seen.Add(newest!);
            root.WaitForAssertion(() => Assert.Contains($"Accepted · MessageId {newest}", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal));
        }

        Assert.Single(root.FindAll("[data-testid=send-result]"));
        Assert.Empty(Service<MudBlazor.ISnackbar>().ShownSnackbars);
    }
}
