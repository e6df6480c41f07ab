using SesConsole.Domain.Templates;
using SesConsole.Web.Sending.Templates;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending.Templates;

public sealed class EmailTemplateStoreTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Region = "us-east-1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_template_that_does_not_compile_is_refused_when_saved_and_nothing_is_stored()
    {
        var store = app.Get<EmailTemplateStore>();
        var account = (await OwnSenderAccountAsync()).Account;

        var created = await store.CreateAsync(account, Region, new EmailTemplate("Broken", "Hi {{#if vip}}", "Body", null), Ct);

        Assert.Equal("InvalidTemplate", created.Error?.Code);
        Assert.Null(await store.FindAsync(account, Region, "Broken", Ct));

        Assert.True((await store.CreateAsync(account, Region, new EmailTemplate("Good", "Hi", "Body", null), Ct)).IsSuccess);
        var updated = await store.UpdateAsync(account, Region, new EmailTemplate("Good", "Hi", "{{/each}}", null), Ct);
        Assert.Equal("InvalidTemplate", updated.Error?.Code);
        Assert.Equal("Body", (await store.FindAsync(account, Region, "Good", Ct))!.Template.Text); // the old version is intact
    }

    [Fact]
    public async Task An_update_is_a_new_version_that_the_next_send_reads_at_once()
    {
        var store = app.Get<EmailTemplateStore>();
        var account = (await OwnSenderAccountAsync()).Account;
        await store.CreateAsync(account, Region, new EmailTemplate("News", "One", "Body", null), Ct);
        Assert.Equal(1, (await store.FindAsync(account, Region, "News", Ct))!.Version); // now cached

        await store.UpdateAsync(account, Region, new EmailTemplate("News", "Two", "Body", null), Ct);

        var found = await store.FindAsync(account, Region, "News", Ct);
        Assert.Equal((2, "Two"), (found!.Version, found.Template.Subject));
        Assert.True(await store.DeleteAsync(account, Region, "News", Ct));
        Assert.Null(await store.FindAsync(account, Region, "News", Ct));
        Assert.False(await store.DeleteAsync(account, Region, "News", Ct));
    }

    [Fact]
    public async Task Each_account_and_region_has_its_own_names()
    {
        var store = app.Get<EmailTemplateStore>();
        var a = (await OwnSenderAccountAsync()).Account;
        var b = (await OwnSenderAccountAsync()).Account;
        await store.CreateAsync(a, Region, new EmailTemplate("Same", "From A", "Body", null), Ct);

        Assert.Null(await store.FindAsync(b, Region, "Same", Ct));
        Assert.Null(await store.FindAsync(a, "eu-west-1", "Same", Ct));
        Assert.True((await store.CreateAsync(b, Region, new EmailTemplate("Same", "From B", "Body", null), Ct)).IsSuccess);
        Assert.Equal("AlreadyExists", (await store.CreateAsync(a, Region, new EmailTemplate("Same", "Again", "Body", null), Ct)).Error?.Code);
        Assert.False(await store.DeleteAsync(b, "eu-west-1", "Same", Ct));
        Assert.Equal("From A", (await store.FindAsync(a, Region, "Same", Ct))!.Template.Subject);
        Assert.Equal(["Same"], (await store.ListAsync(b, Region, 10, null, Ct)).Items.Select(t => t.Template.Name));
    }

    private Task<SesConsole.Web.Tests.Sending.OwnSender> OwnSenderAccountAsync() => SesConsole.Web.Tests.Sending.OwnSender.CreateAsync(app, 10, 10, Ct);
}
