using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features;

public sealed class AccessKeysServiceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private readonly AccessKeysService _keys = app.Get<AccessKeysService>();

    [Fact]
    public async Task CreateAsync_returns_the_secret_once_and_stores_it_encrypted()
    {
        var created = await _keys.CreateAsync(app.OwnerB, "mailer", TestContext.Current.CancellationToken);

        Assert.True(created.IsSuccess);
        Assert.Matches("^AKIA[A-Z2-7]{16}$", created.Value.Id);
        Assert.Equal(40, created.Value.Secret.Length);
        await using var db = app.Db();
        var row = await db.AccessKeys.SingleAsync(k => k.Id == created.Value.Id, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(created.Value.Secret, row.ProtectedSecret, StringComparison.Ordinal);
        var listed = await _keys.ListAsync(app.OwnerB, "mailer", TestContext.Current.CancellationToken);
        Assert.Contains(listed.Value!, k => k.Id == created.Value.Id && k.Status == AccessKeyStatus.Active);
        var signing = await _keys.FindForSigningAsync(created.Value.Id, TestContext.Current.CancellationToken);
        Assert.Equal(created.Value.Secret, signing!.Secret);
        Assert.Equal("arn:aws:iam::222222222222:user/mailer", signing.PrincipalArn);
        await _keys.DeleteAsync(app.OwnerB, created.Value.Id, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task CreateAsync_third_key_is_refused()
    {
        var first = await _keys.CreateAsync(app.OwnerA, null, TestContext.Current.CancellationToken);
        var second = await _keys.CreateAsync(app.OwnerA, null, TestContext.Current.CancellationToken);

        var third = await _keys.CreateAsync(app.OwnerA, null, TestContext.Current.CancellationToken);

        Assert.True(first.IsSuccess && second.IsSuccess);
        Assert.Equal("access_key.limit", third.Error?.Code);
        Assert.Equal(2, (await _keys.ListAsync(app.OwnerA, null, TestContext.Current.CancellationToken)).Value!.Count);
        await _keys.DeleteAsync(app.OwnerA, first.Value.Id, TestContext.Current.CancellationToken);
        await _keys.DeleteAsync(app.OwnerA, second.Value.Id, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task SetStatusAsync_deactivates_and_reactivates_the_key()
    {
        var key = await _keys.CreateAsync(app.OwnerB, "mailer", TestContext.Current.CancellationToken);

        var deactivated = await _keys.SetStatusAsync(app.OwnerB, key.Value!.Id, AccessKeyStatus.Inactive, TestContext.Current.CancellationToken);

        Assert.True(deactivated.IsSuccess);
        Assert.Equal(AccessKeyStatus.Inactive, (await _keys.FindForSigningAsync(key.Value.Id, TestContext.Current.CancellationToken))!.Status);
        Assert.Contains((await _keys.ListAsync(app.OwnerB, "mailer", TestContext.Current.CancellationToken)).Value!, k => k.Id == key.Value.Id && k.Status == AccessKeyStatus.Inactive);
        await using (var db = app.Db())
        {
            Assert.Equal(AccessKeyStatus.Inactive, (await db.AccessKeys.SingleAsync(k => k.Id == key.Value.Id, TestContext.Current.CancellationToken)).Status);
        }

        var activated = await _keys.SetStatusAsync(app.OwnerB, key.Value.Id, AccessKeyStatus.Active, TestContext.Current.CancellationToken);
        Assert.True(activated.IsSuccess);
        Assert.Equal(AccessKeyStatus.Active, (await _keys.FindForSigningAsync(key.Value.Id, TestContext.Current.CancellationToken))!.Status);
        await _keys.DeleteAsync(app.OwnerB, key.Value.Id, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Another_account_cannot_list_deactivate_or_delete_a_key()
    {
        var key = await _keys.CreateAsync(app.OwnerB, "mailer", TestContext.Current.CancellationToken);

        var list = await _keys.ListAsync(app.OwnerA, "mailer", TestContext.Current.CancellationToken);
        var deactivate = await _keys.SetStatusAsync(app.OwnerA, key.Value!.Id, AccessKeyStatus.Inactive, TestContext.Current.CancellationToken);
        var delete = await _keys.DeleteAsync(app.OwnerA, key.Value.Id, TestContext.Current.CancellationToken);

        Assert.Equal("principal.not_found", list.Error?.Code);
        Assert.Equal("access_key.not_found", deactivate.Error?.Code);
        Assert.Equal("access_key.not_found", delete.Error?.Code);
        var still = await _keys.FindForSigningAsync(key.Value.Id, TestContext.Current.CancellationToken);
        Assert.Equal(AccessKeyStatus.Active, still!.Status);
        await _keys.DeleteAsync(app.OwnerB, key.Value.Id, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task IAM_user_manages_its_own_keys_but_not_the_roots()
    {
        var rootKey = await _keys.CreateAsync(app.OwnerB, null, TestContext.Current.CancellationToken);
        var own = await _keys.CreateAsync(app.IamUserB, null, TestContext.Current.CancellationToken);

        var deactivateOwn = await _keys.SetStatusAsync(app.IamUserB, own.Value!.Id, AccessKeyStatus.Inactive, TestContext.Current.CancellationToken);
        var deleteRoots = await _keys.DeleteAsync(app.IamUserB, rootKey.Value!.Id, TestContext.Current.CancellationToken);

        Assert.True(deactivateOwn.IsSuccess);
        Assert.Equal("access_key.not_found", deleteRoots.Error?.Code);
        Assert.Equal("arn:aws:iam::222222222222:user/mailer", (await _keys.FindForSigningAsync(own.Value.Id, TestContext.Current.CancellationToken))!.PrincipalArn);
        await _keys.DeleteAsync(app.OwnerB, rootKey.Value.Id, TestContext.Current.CancellationToken);
        await _keys.DeleteAsync(app.OwnerB, own.Value.Id, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Admin_without_account_has_no_keys()
    {
        var result = await _keys.CreateAsync(app.Admin, null, TestContext.Current.CancellationToken);

        Assert.Equal("auth.no_account", result.Error?.Code);
    }
}
