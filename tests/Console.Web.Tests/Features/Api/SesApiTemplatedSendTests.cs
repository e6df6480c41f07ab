using System.Text;
using Microsoft.EntityFrameworkCore;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;
using static SesConsole.Web.Tests.Features.Api.TemplatedSendWorld;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Templated and bulk sending under sending authorization (docs/templates.md#templated-sending,
/// docs/templates.md#bulk-sending), over SigV4 on a real Kestrel port: delegate B sends as owner A's identity ARN with a
/// template of its own account; the owner's policy decides per API action; a rendering failure is accepted without mail;
/// a bulk call's accepted messages are one group commit.
/// </summary>
public sealed class SesApiTemplatedSendTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Delegate_sends_templated_mail_as_the_owners_identity_from_its_own_template(bool v1)
    {
        var domain = $"tpl-{(v1 ? "v1" : "v2")}.example";
        await AccountsAsync(api);
        await DomainAsync(api, domain, "ses:SendTemplatedEmail");
        var template = $"welcome-{(v1 ? "v1" : "v2")}";
        await TemplateAsync(api, DelegateAccount, template, "Hi {{name}}", "Hello {{name}}", "<p>Hello {{name}}</p>");

        var sent = v1
            ? await V1TemplatedAsync(api, domain, "reader@customer.example", template, """{"name":"Ann"}""")
            : await V2TemplatedAsync(api, domain, "reader@customer.example", template, """{"name":"Ann"}""");

        Assert.True(sent.Status == 200, sent.Body);
        var id = MessageId(sent, v1);
        await using var db = await DbAsync(api);
        var outbox = await db.OutboxMessages.SingleAsync(o => o.MessageId == id, Ct);
        var mime = Encoding.UTF8.GetString(outbox.Mime!);
        Assert.Contains("Subject: Hi Ann", mime, StringComparison.Ordinal);
        Assert.Contains("Hello Ann", mime, StringComparison.Ordinal);
        Assert.Equal(DelegateAccount, outbox.AccountId);
        Assert.Equal(Arn(domain), outbox.SourceArn);
        var attempt = await db.SendAttempts.SingleAsync(a => a.MessageId == id, Ct);
        Assert.Equal(v1 ? "SendTemplatedEmail (v1)" : "SendEmail (v2)", attempt.Api);
        Assert.Equal(Owner, attempt.OwnerAccountId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_policy_allowing_only_SendEmail_denies_templated_and_bulk_sends(bool v1)
    {
        var domain = $"only-send-{(v1 ? "v1" : "v2")}.example";
        await AccountsAsync(api);
        await DomainAsync(api, domain, "ses:SendEmail");
        var template = $"only-send-{(v1 ? "v1" : "v2")}";
        await TemplateAsync(api, DelegateAccount, template, "Hi {{name}}", "Hello {{name}}");

        var single = v1
            ? await V1TemplatedAsync(api, domain, Simulator, template, """{"name":"Ann"}""")
            : await V2TemplatedAsync(api, domain, Simulator, template, """{"name":"Ann"}""");
        var bulk = v1
            ? await V1BulkAsync(api, domain, template, """{"name":"x"}""", (Simulator, null), (Simulator, """{"name":"y"}"""))
            : await V2BulkAsync(api, domain, template, """{"name":"x"}""", (Simulator, null), (Simulator, """{"name":"y"}"""));

        Assert.Equal(403, single.Status);
        Assert.Equal(403, bulk.Status);
        if (v1)
        {
            Assert.Equal("AccessDenied", single.V1Code);
            Assert.Equal($"User `arn:aws:iam::{DelegateAccount}:root' is not authorized to perform `ses:SendTemplatedEmail' on resource `{Arn(domain)}'",
                single.Xml.Descendants(SesApiTestClient.Ns + "Message").Single().Value);
            Assert.Equal("AccessDenied", bulk.V1Code);
            Assert.Contains($"`ses:SendBulkTemplatedEmail' on resource `{Arn(domain)}'", bulk.Xml.Descendants(SesApiTestClient.Ns + "Message").Single().Value, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("AccessDeniedException", single.ErrorType);
            Assert.Equal($"User 'arn:aws:iam::{DelegateAccount}:root' is not authorized to perform 'ses:SendTemplatedEmail' on resource '{Arn(domain)}'",
                single.Json.GetProperty("message").GetString());
            Assert.Equal("AccessDeniedException", bulk.ErrorType);
            Assert.Contains("'ses:SendBulkEmail'", bulk.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        await using var db = await DbAsync(api);
        Assert.False(await db.SendAttempts.AnyAsync(a => a.Accepted && a.IdentityArn == Arn(domain), Ct));
    }

    [Fact]
    public async Task V2_bulk_needs_SendBulkEmail_besides_SendBulkTemplatedEmail_v1_bulk_does_not()
    {
        const string bulkOnly = "bulk-only.example";
        const string both = "bulk-both.example";
        await AccountsAsync(api);
        await DomainAsync(api, bulkOnly, "ses:SendBulkTemplatedEmail");
        await DomainAsync(api, both, "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail");
        await TemplateAsync(api, DelegateAccount, "bulk-actions", "Hi {{name}}", "Hello {{name}}");

        var v1 = await V1BulkAsync(api, bulkOnly, "bulk-actions", """{"name":"x"}""", (Simulator, null));
        var v2Denied = await V2BulkAsync(api, bulkOnly, "bulk-actions", """{"name":"x"}""", (Simulator, null));
        var v2 = await V2BulkAsync(api, both, "bulk-actions", """{"name":"x"}""", (Simulator, null));

        Assert.True(v1.Status == 200, v1.Body);
        Assert.Equal("Success", Assert.Single(Entries(v1, v1: true)).Status);
        Assert.Equal(403, v2Denied.Status);
        Assert.Equal($"User 'arn:aws:iam::{DelegateAccount}:root' is not authorized to perform 'ses:SendBulkEmail' on resource '{Arn(bulkOnly)}'",
            v2Denied.Json.GetProperty("message").GetString());
        Assert.True(v2.Status == 200, v2.Body);
        Assert.Equal("SUCCESS", Assert.Single(Entries(v2, v1: false)).Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_destination_refused_by_a_policy_condition_alone_is_MessageRejected_and_the_others_are_sent(bool v1)
    {
        var domain = $"recipients-{(v1 ? "v1" : "v2")}.example";
        await AccountsAsync(api);
        var onlyCustomers = new Dictionary<string, object> { ["ForAllValues:StringLike"] = new Dictionary<string, string> { ["ses:Recipients"] = "*@customer.example" } };
        await DomainAsync(api, domain, onlyCustomers, "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail");
        var template = $"recipients-{(v1 ? "v1" : "v2")}";
        await TemplateAsync(api, DelegateAccount, template, "Hi {{name}}", "Hello {{name}}");

        var bulk = v1
            ? await V1BulkAsync(api, domain, template, """{"name":"x"}""", ("ann@customer.example", null), ("bob@elsewhere.example", null))
            : await V2BulkAsync(api, domain, template, """{"name":"x"}""", ("ann@customer.example", null), ("bob@elsewhere.example", null));
        var allRefused = v1
            ? await V1BulkAsync(api, domain, template, """{"name":"x"}""", ("bob@elsewhere.example", null))
            : await V2BulkAsync(api, domain, template, """{"name":"x"}""", ("bob@elsewhere.example", null));

        Assert.True(bulk.Status == 200, bulk.Body);
        var results = Entries(bulk, v1);
        Assert.Equal(v1 ? ["Success", "MessageRejected"] : ["SUCCESS", "MESSAGE_REJECTED"], results.Select(r => r.Status));
        Assert.Null(results[1].MessageId);
        Assert.Contains("is not authorized to perform", results[1].Error, StringComparison.Ordinal);
        Assert.Equal(403, allRefused.Status); // no destination authorized: the whole call is AccessDenied
        await using var db = await DbAsync(api);
        Assert.True(await db.OutboxMessages.AnyAsync(o => o.MessageId == results[0].MessageId && o.Recipients == "ann@customer.example", Ct));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_rendering_failure_is_accepted_with_a_Rendering_Failure_event_and_no_mail(bool v1)
    {
        var domain = $"render-{(v1 ? "v1" : "v2")}.example";
        await AccountsAsync(api);
        await DomainAsync(api, domain, "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail");
        var template = $"code-{(v1 ? "v1" : "v2")}";
        await TemplateAsync(api, DelegateAccount, template, "Hi {{name}}", "Your code is {{code}}");

        var single = v1
            ? await V1TemplatedAsync(api, domain, "reader@customer.example", template, """{"name":"Ann"}""")
            : await V2TemplatedAsync(api, domain, "reader@customer.example", template, """{"name":"Ann"}""");

        // The entry's data replaces the default data (it is not merged with it): Bea's lacks "code" and fails to render.
        var bulk = v1
            ? await V1BulkAsync(api, domain, template, """{"name":"friend","code":"0"}""", ("one@customer.example", """{"name":"Al","code":"1"}"""), ("two@customer.example", """{"name":"Bea"}"""))
            : await V2BulkAsync(api, domain, template, """{"name":"friend","code":"0"}""", ("one@customer.example", """{"name":"Al","code":"1"}"""), ("two@customer.example", """{"name":"Bea"}"""));

        Assert.True(single.Status == 200, single.Body);
        Assert.True(bulk.Status == 200, bulk.Body);
        var entries = Entries(bulk, v1);
        Assert.Equal([v1 ? "Success" : "SUCCESS", v1 ? "Success" : "SUCCESS"], entries.Select(e => e.Status));
        var failed = new[] { MessageId(single, v1), entries[1].MessageId! };
        var rendered = entries[0].MessageId!;
        await using var db = await DbAsync(api);
        foreach (var id in failed)
        {
            Assert.False(await db.OutboxMessages.AnyAsync(o => o.MessageId == id, Ct), $"{id} has an outbox row");
            var events = await db.SendEvents.Where(e => e.MessageId == id).Select(e => new { e.Type, e.Json }).ToListAsync(Ct);
            var failure = Assert.Single(events, e => e.Type == "Rendering Failure");
            Assert.Contains(template, failure.Json, StringComparison.Ordinal);
            Assert.True(await db.SendAttempts.AnyAsync(a => a.MessageId == id && a.Accepted, Ct));
        }

        Assert.Contains("Your code is 1", Encoding.UTF8.GetString((await db.OutboxMessages.SingleAsync(o => o.MessageId == rendered, Ct)).Mime!), StringComparison.Ordinal);
        Assert.False(await db.SendEvents.AnyAsync(e => e.MessageId == rendered && e.Type == "Rendering Failure", Ct));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_unknown_or_foreign_template_bad_data_or_too_many_destinations_refuse_the_whole_call(bool v1)
    {
        var domain = $"refuse-{(v1 ? "v1" : "v2")}.example";
        await AccountsAsync(api);
        await DomainAsync(api, domain, "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail");
        var own = $"own-{(v1 ? "v1" : "v2")}";
        var owners = $"owners-{(v1 ? "v1" : "v2")}";
        await TemplateAsync(api, DelegateAccount, own, "Hi {{name}}", "Hello");
        await TemplateAsync(api, Owner, owners, "Hi {{name}}", "Hello"); // the identity owner's template: not the sender's

        var unknown = v1 ? await V1TemplatedAsync(api, domain, Simulator, "no-such", "{}") : await V2TemplatedAsync(api, domain, Simulator, "no-such", "{}");
        var foreign = v1 ? await V1TemplatedAsync(api, domain, Simulator, owners, "{}") : await V2TemplatedAsync(api, domain, Simulator, owners, "{}");
        var badData = v1 ? await V1TemplatedAsync(api, domain, Simulator, own, "[1]") : await V2TemplatedAsync(api, domain, Simulator, own, "[1]");
        var many = Enumerable.Range(0, 51).Select(_ => (Simulator, (string?)null)).ToArray();
        var tooMany = v1 ? await V1BulkAsync(api, domain, own, "{}", many) : await V2BulkAsync(api, domain, own, "{}", many);
        var bulkUnknown = v1 ? await V1BulkAsync(api, domain, "no-such", "{}", (Simulator, null)) : await V2BulkAsync(api, domain, "no-such", "{}", (Simulator, null));

        foreach (var (response, name) in new[] { (unknown, "no-such"), (foreign, owners), (bulkUnknown, "no-such") })
        {
            Assert.Equal(v1 ? 400 : 404, response.Status);
            Assert.Equal(v1 ? "TemplateDoesNotExist" : "NotFoundException", v1 ? response.V1Code : response.ErrorType);
            Assert.Contains($"Template {name} does not exist.", response.Body, StringComparison.Ordinal);
        }

        foreach (var response in new[] { badData, tooMany })
        {
            Assert.Equal(400, response.Status);
            Assert.Equal(v1 ? "InvalidParameterValue" : "BadRequestException", v1 ? response.V1Code : response.ErrorType);
        }

        await using var db = await DbAsync(api);
        Assert.False(await db.SendAttempts.AnyAsync(a => a.IdentityArn == Arn(domain), Ct)); // refused before the pipeline: no attempt
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_50_destination_bulk_is_one_group_commit(bool v1)
    {
        var domain = $"fifty-{(v1 ? "v1" : "v2")}.example";
        await AccountsAsync(api);
        await DomainAsync(api, domain, "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail");
        var template = $"fifty-{(v1 ? "v1" : "v2")}";
        await TemplateAsync(api, DelegateAccount, template, "Hi {{name}}", "Hello {{name}}");
        var entries = Enumerable.Range(0, 50).Select(i => (Simulator, (string?)$$"""{"name":"n{{i}}"}""")).ToArray();
        var writer = api.Service<GroupCommitWriter>();

        var before = writer.Transactions;
        var bulk = v1 ? await V1BulkAsync(api, domain, template, "{}", entries) : await V2BulkAsync(api, domain, template, "{}", entries);
        var transactions = writer.Transactions - before;

        Assert.True(bulk.Status == 200, bulk.Body);
        var results = Entries(bulk, v1);
        Assert.Equal(50, results.Count);
        Assert.All(results, r => Assert.Equal(v1 ? "Success" : "SUCCESS", r.Status));
        Assert.Equal(50, results.Select(r => r.MessageId).Distinct().Count());
        Assert.Equal(1, transactions);
        await using var db = await DbAsync(api);
        var ids = results.Select(r => r.MessageId).ToList();
        Assert.Equal(50, await db.SendAttempts.CountAsync(a => a.Accepted && ids.Contains(a.MessageId), Ct));
        Assert.Equal(50, await db.UsageLedger.CountAsync(u => ids.Contains(u.MessageId), Ct));
    }
}
