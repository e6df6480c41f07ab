using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Mail;

public sealed class MailboxPagesTests : ConsoleTestContext
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    private async Task<Guid> SendAsync(string account, string to, string subject, string? html = null)
    {
        var dbFactory = Service<IDbContextFactory<ConsoleDbContext>>();
        var sink = new LocalSinkTransport(dbFactory, _time, null, NullLogger<LocalSinkTransport>.Instance);
        var message = new MailComposer(new MailOptions(), _time).Compose(new ProductMail(account, to, subject, $"Text of {subject}", html));
        var messageId = (await sink.SendAsync(message, Xunit.TestContext.Current.CancellationToken)).GetValueOrThrow();
        _time.Advance(TimeSpan.FromMinutes(1));
        await using var db = await dbFactory.CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        return await db.MailboxMessages.Where(m => m.MessageId == messageId).Select(m => m.Id).SingleAsync(Xunit.TestContext.Current.CancellationToken);
    }

    [Fact]
    public void MailboxPage_without_mail_says_what_lands_here()
    {
        SignInAsRoot(AccountA);

        var page = Render<MailboxPage>();

        page.WaitForAssertion(() => Assert.Contains("No mail yet", page.Markup, StringComparison.Ordinal));
        Assert.Contains("Mail the console sends — verification links, and messages sent through the local sink — appears here.", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=mailbox-table]"));
    }

    [Fact]
    public async Task MailboxPage_lists_only_the_callers_messages_with_links_to_them()
    {
        var mine = await SendAsync(AccountA, "alice@example.com", "Welcome to Owner A");
        await SendAsync(AccountB, "bob@example.com", "Secret of Owner B");
        SignInAsRoot(AccountA);

        var page = Render<MailboxPage>();

        page.WaitForAssertion(() => Assert.Contains("Welcome to Owner A", page.Find("[data-testid=mailbox-table]").TextContent, StringComparison.Ordinal));
        Assert.Contains("alice@example.com", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret of Owner B", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@example.com", page.Markup, StringComparison.Ordinal);
        Assert.Equal($"/mailbox/{mine}", page.Find("[data-testid=mailbox-subject]").GetAttribute("href"));
    }

    [Fact]
    public async Task MailboxMessagePage_shows_the_links_of_an_html_message_and_the_html_in_a_sandbox()
    {
        var html = "<p>Hello</p><p><a href=\"https://console.test/verify?token=abc&amp;id=7\">Verify this address</a></p><script>alert(1)</script>";
        var id = await SendAsync(AccountA, "alice@example.com", "Verify your email address", html);
        SignInAsRoot(AccountA);

        var page = Render<MailboxMessagePage>(p => p.Add(x => x.Id, id));

        var link = page.WaitForElement("[data-testid=mail-links] a");
        Assert.Equal("https://console.test/verify?token=abc&id=7", link.GetAttribute("href"));
        Assert.Equal("Verify this address", link.TextContent.Trim());
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Equal($"/mailbox/{id}/raw", page.Find("[data-testid=mail-download]").GetAttribute("href"));
        var frame = page.WaitForElement("iframe[data-testid=mail-html]");
        Assert.True(frame.HasAttribute("sandbox"));
        Assert.Equal("", frame.GetAttribute("sandbox"));
        Assert.Contains("Verify this address", frame.GetAttribute("srcdoc"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailboxMessagePage_of_another_accounts_message_says_not_found()
    {
        var theirs = await SendAsync(AccountB, "bob@example.com", "Secret of Owner B");
        SignInAsRoot(AccountA);

        var page = Render<MailboxMessagePage>(p => p.Add(x => x.Id, theirs));

        page.WaitForAssertion(() => Assert.Contains("was not found in your Mailbox", page.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("Secret of Owner B", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailboxMessagePage_delete_asks_first_then_removes_the_message()
    {
        var id = await SendAsync(AccountA, "alice@example.com", "Delete me");
        SignInAsRoot(AccountA);
        var (dialogs, page) = RenderWithProviders<MailboxMessagePage>(("Id", id));

        page.WaitForElement("[data-testid=mail-delete]").Click();
        dialogs.WaitForElement("[data-testid=confirm]").Click();

        dialogs.WaitForAssertion(() => Assert.EndsWith("/mailbox", Service<Microsoft.AspNetCore.Components.NavigationManager>().Uri, StringComparison.Ordinal));
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        Assert.False(await db.MailboxMessages.AnyAsync(m => m.Id == id, Xunit.TestContext.Current.CancellationToken));
    }
}
