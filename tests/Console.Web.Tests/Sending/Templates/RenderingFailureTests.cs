using Microsoft.EntityFrameworkCore;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Sending;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending.Templates;

/// <summary>A templated message whose template could not be rendered: accepted and charged, no mail, a Rendering Failure event.</summary>
public sealed class RenderingFailureTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_accepted_message_whose_template_failed_to_render_is_a_rendering_failure_event_and_no_mail()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 10, rate: 10, Ct);
        var caller = new SendCaller(RequestPrincipal.ForAccount(AccountId.Parse(sender.Account).Value), SourceIp: "127.0.0.1");
        var request = new SendRequest(caller, SendApi.V1SendTemplatedEmail, "us-east-1", DateTimeOffset.UtcNow,
            new SimpleContent(["reader@customer.example"], TemplateName: "Welcome", TemplateData: "{}")
            {
                RenderingFailure = "Attribute 'name' is not present in the rendering data.",
            })
        {
            Source = $"news@{sender.Domain}",
        };

        var outcome = await app.Get<SendService>().SendAsync(request, "SendTemplatedEmail (v1)", Ct);

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
        await using var db = app.Db();
        Assert.False(await db.OutboxMessages.AnyAsync(m => m.MessageId == outcome.MessageId, Ct));
        var failure = await db.SendEvents.SingleAsync(e => e.MessageId == outcome.MessageId && e.Type == "Rendering Failure", Ct);
        Assert.Contains("\"templateName\":\"Welcome\"", failure.Json, StringComparison.Ordinal);
        Assert.Contains("is not present in the rendering data", failure.Json, StringComparison.Ordinal);
        Assert.True(await db.SendAttempts.AnyAsync(a => a.MessageId == outcome.MessageId, Ct));
        Assert.Equal(1, await db.UsageLedger.Where(u => u.AccountId == sender.Account).SumAsync(u => u.Recipients, Ct)); // charged, as SES does
    }
}
