using SesConsole.Data.Entities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Access keys are read through the send path's cache (docs/send-performance.md#where-the-time-went): a key that has just
/// signed requests, and so is cached, stops working on the very next request once it, or the IAM user it belongs to, is deleted.
/// </summary>
public sealed class SesApiAccessKeyCacheTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    [Fact]
    public async Task Deleted_key_is_refused_at_once_after_it_was_used()
    {
        var ct = TestContext.Current.CancellationToken;
        var keys = api.Service<AccessKeysService>();
        var key = (await keys.CreateAsync(SesApiServer.OwnerB, null, ct)).GetValueOrThrow();
        using var client = new SesApiTestClient(api.Server.BaseUrl, key.Id, key.Secret);
        var before = await client.V2Async(HttpMethod.Get, "/v2/email/account");
        var again = await client.V2Async(HttpMethod.Get, "/v2/email/account");

        var deleted = await keys.DeleteAsync(SesApiServer.OwnerB, key.Id, ct);
        var after = await client.V1Async(("Action", "GetSendQuota"));

        Assert.Equal(200, before.Status);
        Assert.Equal(200, again.Status);
        Assert.True(deleted.IsSuccess);
        Assert.Equal(403, after.Status);
        Assert.Equal("InvalidClientTokenId", after.V1Code);
    }

    [Fact]
    public async Task Key_of_a_deleted_iam_user_is_refused_at_once_after_it_was_used()
    {
        var ct = TestContext.Current.CancellationToken;
        var iam = api.Service<IamService>();
        var keys = api.Service<AccessKeysService>();
        (await iam.CreateAsync(SesApiServer.OwnerB, IamPrincipalType.User, "short-lived", null, ct)).GetValueOrThrow();
        var key = (await keys.CreateAsync(SesApiServer.OwnerB, "short-lived", ct)).GetValueOrThrow();
        using var client = new SesApiTestClient(api.Server.BaseUrl, key.Id, key.Secret);
        var before = await client.V2Async(HttpMethod.Get, "/v2/email/account");

        var deleted = await iam.DeleteAsync(SesApiServer.OwnerB, IamPrincipalType.User, "short-lived", ct);
        var after = await client.V2Async(HttpMethod.Get, "/v2/email/account");

        Assert.Equal(200, before.Status);
        Assert.True(deleted.IsSuccess);
        Assert.Equal(403, after.Status);
        Assert.Equal("UnrecognizedClientException", after.ErrorType);
    }
}
