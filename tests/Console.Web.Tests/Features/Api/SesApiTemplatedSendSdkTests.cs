using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SesConsole.Web.Tests.Shared;
using static SesConsole.Web.Tests.Features.Api.TemplatedSendWorld;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// The real <c>@aws-sdk/client-ses</c> and <c>@aws-sdk/client-sesv2</c> (tests/sdk-client/templated-send.mjs) send
/// templated and bulk mail as delegate B naming owner A's identity ARN (docs/templates.md#templated-sending,
/// docs/templates.md#bulk-sending): accepted where A's policy allows the templated actions, refused with the SDKs'
/// AccessDenied where it allows only ses:SendEmail, and the SDKs parse the bulk answers' per-entry statuses.
/// </summary>
public sealed class SesApiTemplatedSendSdkTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWS_SDKs_send_templated_and_bulk_mail_as_a_delegate()
    {
        await AccountsAsync(api);
        await DomainAsync(api, "sdk-tpl.example", "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail");
        await DomainAsync(api, "sdk-denied.example", "ses:SendEmail");
        await TemplateAsync(api, DelegateAccount, "sdk-welcome", "Hi {{name}}", "Hello {{name}}");
        await SuppressAsync(api, "gone@customer.example");
        var key = (await api.Service<SesConsole.Web.Features.Iam.AccessKeysService>().CreateAsync(SesApiServer.OwnerB, null, Ct)).Value!;

        var output = await KestrelConsoleAppFactory.RunNodeAsync("templated-send.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = api.Server.BaseUrl, ["SES_REGION"] = Region, ["SES_KEY"] = key.Id, ["SES_SECRET"] = key.Secret,
            ["SES_FROM"] = "news@sdk-tpl.example", ["SES_FROM_ARN"] = Arn("sdk-tpl.example"),
            ["SES_DENIED_FROM"] = "news@sdk-denied.example", ["SES_DENIED_ARN"] = Arn("sdk-denied.example"),
            ["SES_TEMPLATE"] = "sdk-welcome", ["SES_TO"] = "reader@customer.example", ["SES_SUPPRESSED"] = "gone@customer.example",
        });

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        string Id(string step)
        {
            Assert.True(r.GetProperty(step).ValueKind == JsonValueKind.String, $"{step} in {output}");
            return r.GetProperty(step).GetString()!;
        }

        var v1Id = Id("v1Templated");
        var v2Id = Id("v2Templated");
        var inlineId = Id("v2Inline");
        var v1Bulk = r.GetProperty("v1Bulk").EnumerateArray().ToList();
        Assert.True(v1Bulk.Count == 3, output);
        Assert.Equal(["Success", "Success", "InvalidParameterValue"], v1Bulk.Select(e => e.GetProperty("Status").GetString()));
        var v2Bulk = r.GetProperty("v2Bulk").EnumerateArray().ToList();
        Assert.True(v2Bulk.Count == 3, output);
        Assert.Equal(["SUCCESS", "SUCCESS", "INVALID_PARAMETER"], v2Bulk.Select(e => e.GetProperty("Status").GetString()));

        foreach (var (step, action) in new[] { ("v1Denied", "SendTemplatedEmail"), ("v1BulkDenied", "SendBulkTemplatedEmail"), ("v2Denied", "SendTemplatedEmail"), ("v2BulkDenied", "SendBulkEmail") })
        {
            Assert.True(r.GetProperty(step).ValueKind == JsonValueKind.Object && r.GetProperty(step).TryGetProperty("error", out _), $"{step} in {output}");
            var error = r.GetProperty(step).GetProperty("error");
            Assert.Equal(403, error.GetProperty("status").GetInt32());
            Assert.Equal(step.StartsWith("v1", StringComparison.Ordinal) ? "AccessDenied" : "AccessDeniedException", error.GetProperty("name").GetString());
            Assert.Contains($"ses:{action}", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains(Arn("sdk-denied.example"), error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(400, r.GetProperty("v1NoTemplate").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("TemplateDoesNotExistException", r.GetProperty("v1NoTemplate").GetProperty("error").GetProperty("name").GetString()); // the SDK names the modeled shape
        Assert.Equal(404, r.GetProperty("v2NoTemplate").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("NotFoundException", r.GetProperty("v2NoTemplate").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal("InvalidParameterValue", r.GetProperty("v1BadData").GetProperty("error").GetProperty("name").GetString());

        await using var db = await DbAsync(api);
        foreach (var (id, text) in new[] { (v1Id, "Hello Ann"), (v2Id, "Hello Cid"), (inlineId, "Hello Eve"), (v1Bulk[0].GetProperty("MessageId").GetString()!, "Hello Bea"), (v2Bulk[0].GetProperty("MessageId").GetString()!, "Hello Dee") })
        {
            var outbox = await db.OutboxMessages.SingleAsync(o => o.MessageId == id, Ct);
            Assert.Contains(text, System.Text.Encoding.UTF8.GetString(outbox.Mime), StringComparison.Ordinal);
            Assert.Equal(Arn("sdk-tpl.example"), outbox.SourceArn);
        }

        foreach (var id in new[] { v1Bulk[1].GetProperty("MessageId").GetString()!, v2Bulk[1].GetProperty("MessageId").GetString()! })
        {
            var bounce = await db.SendEvents.SingleAsync(e => e.MessageId == id && e.Type == "Bounce", Ct);
            Assert.Contains("OnAccountSuppressionList", bounce.Json, StringComparison.Ordinal);
        }
    }
}
