using Microsoft.EntityFrameworkCore;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features;

public sealed class AccountsServiceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private readonly AccountsService _accounts = app.Get<AccountsService>();

    [Fact]
    public async Task CreateAsync_by_admin_creates_account_and_a_root_sign_in()
    {
        var created = await _accounts.CreateAsync(app.Admin, new NewAccount
        {
            DisplayName = "Newsletter Ltd", OrganizationId = "o-newsletter01", Regions = ["us-east-1"], RootEmail = "root@newsletter.example",
        }, TestContext.Current.CancellationToken);

        Assert.True(created.IsSuccess);
        Assert.Matches("^[1-9][0-9]{11}$", created.Value.AccountId);
        Assert.NotNull(created.Value.GeneratedPassword);
        using var client = await app.Factory.SignInAsync("root@newsletter.example", created.Value.GeneratedPassword!);
        var home = await client.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains(created.Value.AccountId, home, StringComparison.Ordinal);
        Assert.Contains("Sandbox", home, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12345", "Name", "o-abcdefghij", "a@b.example", "AccountId")]
    [InlineData(null, "", "o-abcdefghij", "a@b.example", "DisplayName")]
    [InlineData(null, "Name", "org-1", "a@b.example", "OrganizationId")]
    [InlineData(null, "Name", "o-SHOUTING12", "a@b.example", "OrganizationId")]
    [InlineData(null, "Name", null, "not an email", "RootEmail")]
    [InlineData(null, "Name", null, "owner@example.com", "RootEmail")]
    [InlineData("111111111111", "Name", null, "x@y.example", "AccountId")]
    public async Task CreateAsync_bad_input_names_the_field_and_changes_nothing(string? id, string name, string? org, string email, string field)
    {
        await using var db = app.Db();
        var before = await db.Accounts.CountAsync(TestContext.Current.CancellationToken);

        var result = await _accounts.CreateAsync(app.Admin, new NewAccount
        {
            AccountId = id, DisplayName = name, OrganizationId = org, Regions = ["us-east-1"], RootEmail = email,
        }, TestContext.Current.CancellationToken);

        Assert.False(result.IsSuccess);
        Assert.Equal(field, result.Error.Location);
        Assert.Equal(before, await db.Accounts.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CreateAsync_unknown_region_is_refused()
    {
        var result = await _accounts.CreateAsync(app.Admin, new NewAccount { DisplayName = "X", Regions = ["mars-north-1"], RootEmail = "mars@x.example" }, TestContext.Current.CancellationToken);

        Assert.Equal("account.unknown_region", result.Error?.Code);
    }

    [Fact]
    public async Task Owners_cannot_list_create_or_toggle_accounts()
    {
        var list = await _accounts.ListAsync(app.OwnerA, TestContext.Current.CancellationToken);
        var create = await _accounts.CreateAsync(app.OwnerA, new NewAccount { DisplayName = "X", Regions = ["us-east-1"], RootEmail = "x@x.example" }, TestContext.Current.CancellationToken);
        var toggle = await _accounts.SetFlagsAsync(app.OwnerA, "222222222222", sandbox: true, sendingEnabled: false, TestContext.Current.CancellationToken);

        Assert.Equal("auth.forbidden", list.Error?.Code);
        Assert.Equal("auth.forbidden", create.Error?.Code);
        Assert.Equal("auth.forbidden", toggle.Error?.Code);
        await using var db = app.Db();
        Assert.True((await db.Accounts.SingleAsync(a => a.Id == "222222222222", TestContext.Current.CancellationToken))!.SendingEnabled);
    }

    [Fact]
    public async Task SetFlagsAsync_by_admin_pauses_sending()
    {
        var created = await _accounts.CreateAsync(app.Admin, new NewAccount { DisplayName = "Pausable", Regions = ["us-east-1"], RootEmail = "p@pausable.example" }, TestContext.Current.CancellationToken);

        var result = await _accounts.SetFlagsAsync(app.Admin, created.GetValueOrThrow().AccountId, sandbox: false, sendingEnabled: false, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess);
        var row = (await _accounts.ListAsync(app.Admin, TestContext.Current.CancellationToken)).Value!.Single(a => a.Id == created.GetValueOrThrow().AccountId);
        Assert.False(row.Sandbox);
        Assert.False(row.SendingEnabled);
    }
}
