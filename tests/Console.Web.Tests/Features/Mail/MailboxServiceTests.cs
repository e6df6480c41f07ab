using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using SesConsole.Data;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Mail;

public sealed class MailboxServiceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string AccountA = "111111111111";
    private const string AccountB = "222222222222";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly MailboxService _mailbox = new(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>());

    private async Task<Guid> SendAsync(string? account, string to, string subject, string? html = null)
    {
        var sink = new LocalSinkTransport(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>(), _time, null, NullLogger<LocalSinkTransport>.Instance);
        var message = new MailComposer(new MailOptions(), _time).Compose(new ProductMail(account, to, subject, $"Text of {subject}", html));
        var messageId = (await sink.SendAsync(message, TestContext.Current.CancellationToken)).GetValueOrThrow();
        _time.Advance(TimeSpan.FromSeconds(1));
        await using var db = app.Db();
        return await db.MailboxMessages.Where(m => m.MessageId == messageId).Select(m => m.Id).SingleAsync(TestContext.Current.CancellationToken);
    }

    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task ListAsync_owner_sees_only_its_account_and_admin_sees_all()
    {
        var tag = Tag();
        await SendAsync(AccountA, "a@example.com", $"{tag} for A");
        await SendAsync(AccountB, "b@example.com", $"{tag} for B");
        await SendAsync(null, "ops@example.com", $"{tag} platform");

        var a = (await _mailbox.ListAsync(app.OwnerA, new MailboxQuery(tag), TestContext.Current.CancellationToken)).GetValueOrThrow();
        var iamB = (await _mailbox.ListAsync(app.IamUserB, new MailboxQuery(tag), TestContext.Current.CancellationToken)).GetValueOrThrow();
        var admin = (await _mailbox.ListAsync(app.Admin, new MailboxQuery(tag), TestContext.Current.CancellationToken)).GetValueOrThrow();

        Assert.Equal([$"{tag} for A"], a.Items.Select(r => r.Subject));
        Assert.Equal([$"{tag} for B"], iamB.Items.Select(r => r.Subject));
        Assert.Equal([$"{tag} platform", $"{tag} for B", $"{tag} for A"], admin.Items.Select(r => r.Subject));
        Assert.Equal(3, admin.Total);
    }

    [Fact]
    public async Task ListAsync_searches_recipients_and_subjects_ignoring_case_and_pages_newest_first()
    {
        var tag = Tag();
        for (var i = 1; i <= 5; i++)
        {
            await SendAsync(AccountA, $"{tag}-{i}@Example.com", $"Message {i}");
        }

        var byRecipient = (await _mailbox.ListAsync(app.OwnerA, new MailboxQuery(tag.ToUpperInvariant(), Page: 1, PageSize: 2), TestContext.Current.CancellationToken)).GetValueOrThrow();
        var bySubject = (await _mailbox.ListAsync(app.OwnerA, new MailboxQuery($"{tag}-3@example.COM"), TestContext.Current.CancellationToken)).GetValueOrThrow();

        Assert.Equal(5, byRecipient.Total);
        Assert.Equal(["Message 3", "Message 2"], byRecipient.Items.Select(r => r.Subject));
        Assert.Equal(["Message 3"], bySubject.Items.Select(r => r.Subject));
    }

    [Fact]
    public async Task GetAsync_parses_headers_bodies_attachments_and_links()
    {
        var builder = new BodyBuilder
        {
            TextBody = "Verify at https://console.test/verify?token=abc&x=1. Thanks",
            HtmlBody = "<p><a href=\"https://console.test/verify?token=abc&amp;x=1\">Verify <b>now</b></a> <a href=\"javascript:alert(1)\">bad</a> <a href=\"https://example.com/help\">Help</a></p>",
        };
        builder.Attachments.Add("report.csv", Encoding.UTF8.GetBytes("a,b\n1,2\n"), new ContentType("text", "csv"));
        var mime = new MimeMessage { Subject = "With parts", Body = builder.ToMessageBody() };
        mime.From.Add(MailboxAddress.Parse("sender@example.com"));
        mime.To.Add(MailboxAddress.Parse("to@example.com"));
        using var stream = new MemoryStream();
        await mime.WriteToAsync(stream, TestContext.Current.CancellationToken);
        var sink = new LocalSinkTransport(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>(), _time, null, NullLogger<LocalSinkTransport>.Instance);
        var messageId = (await sink.SendAsync(new OutboundMessage(AccountA, "sender@example.com", ["to@example.com"], stream.ToArray()), TestContext.Current.CancellationToken)).GetValueOrThrow();
        await using var db = app.Db();
        var id = await db.MailboxMessages.Where(m => m.MessageId == messageId).Select(m => m.Id).SingleAsync(TestContext.Current.CancellationToken);

        var view = (await _mailbox.GetAsync(app.OwnerA, id, TestContext.Current.CancellationToken)).GetValueOrThrow();

        Assert.Equal("With parts", view.Summary.Subject);
        Assert.Contains(view.Headers, h => h.Name == "Subject" && h.Value == "With parts");
        Assert.StartsWith("Verify at https://console.test/verify", view.TextBody, StringComparison.Ordinal);
        Assert.Contains("Verify <b>now</b>", view.HtmlBody, StringComparison.Ordinal);
        Assert.Equal([new MailAttachment("report.csv", "text/csv")], view.Attachments);
        Assert.Equal(
            [new MailLink("https://console.test/verify?token=abc&x=1", "Verify now"), new MailLink("https://example.com/help", "Help")],
            view.Links);
    }

    [Fact]
    public async Task GetAsync_and_raw_of_another_accounts_message_are_not_found()
    {
        var id = await SendAsync(AccountB, "b@example.com", "Private to B");

        var asA = await _mailbox.GetAsync(app.OwnerA, id, TestContext.Current.CancellationToken);
        var rawAsA = await _mailbox.GetRawAsync(app.OwnerA, id, TestContext.Current.CancellationToken);
        var rawAsAdmin = await _mailbox.GetRawAsync(app.Admin, id, TestContext.Current.CancellationToken);

        Assert.Equal("mailbox.not_found", asA.Error?.Code);
        Assert.Equal("mailbox.not_found", rawAsA.Error?.Code);
        Assert.True(rawAsAdmin.IsSuccess);
        Assert.Equal($"{id:N}.eml", rawAsAdmin.Value.FileName);
    }

    [Fact]
    public async Task DeleteAsync_by_another_account_is_not_found_and_deletes_nothing_while_the_owner_can()
    {
        var id = await SendAsync(AccountB, "b@example.com", "Keep me");

        var byA = await _mailbox.DeleteAsync(app.OwnerA, id, TestContext.Current.CancellationToken);

        Assert.Equal("mailbox.not_found", byA.Error?.Code);
        await using (var db = app.Db())
        {
            Assert.True(await db.MailboxMessages.AnyAsync(m => m.Id == id, TestContext.Current.CancellationToken));
        }

        var byB = await _mailbox.DeleteAsync(app.IamUserB, id, TestContext.Current.CancellationToken);

        Assert.True(byB.IsSuccess);
        await using (var db = app.Db())
        {
            Assert.False(await db.MailboxMessages.AnyAsync(m => m.Id == id, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task DeleteAllAsync_by_an_owner_deletes_only_its_accounts_messages()
    {
        var mine = await SendAsync(AccountA, "a@example.com", "A's");
        var theirs = await SendAsync(AccountB, "b@example.com", "B's");

        var deleted = await _mailbox.DeleteAllAsync(app.OwnerA, TestContext.Current.CancellationToken);

        Assert.True(deleted.Value >= 1);
        await using var db = app.Db();
        Assert.False(await db.MailboxMessages.AnyAsync(m => m.Id == mine, TestContext.Current.CancellationToken));
        Assert.True(await db.MailboxMessages.AnyAsync(m => m.Id == theirs, TestContext.Current.CancellationToken));
    }
}
