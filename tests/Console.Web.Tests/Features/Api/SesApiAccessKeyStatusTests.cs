using SesConsole.Data.Entities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>A deactivated access key signs nothing: both APIs answer as AWS does for an unusable key, until it is activated again.</summary>
public sealed class SesApiAccessKeyStatusTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    [Fact]
    public async Task Inactive_key_is_refused_by_v1_and_v2_and_works_again_when_activated()
    {
        var keys = api.Service<AccessKeysService>();
        var key = (await keys.CreateAsync(SesApiServer.OwnerB, "mailer", TestContext.Current.CancellationToken)).GetValueOrThrow();
        using var mailer = new SesApiTestClient(api.Server.BaseUrl, key.Id, key.Secret);
        var before = await mailer.V2Async(HttpMethod.Get, "/v2/email/account");

        var deactivated = await keys.SetStatusAsync(SesApiServer.OwnerB, key.Id, AccessKeyStatus.Inactive, TestContext.Current.CancellationToken);
        var v2 = await mailer.V2Async(HttpMethod.Get, "/v2/email/account");
        var v1 = await mailer.V1Async(("Action", "GetSendQuota"));

        Assert.Equal(200, before.Status);
        Assert.True(deactivated.IsSuccess);
        Assert.Equal(403, v2.Status);
        Assert.Equal("UnrecognizedClientException", v2.ErrorType);
        Assert.Contains("The security token included in the request is invalid.", v2.Body, StringComparison.Ordinal);
        Assert.Equal(403, v1.Status);
        Assert.Equal("InvalidClientTokenId", v1.V1Code);

        await keys.SetStatusAsync(SesApiServer.OwnerB, key.Id, AccessKeyStatus.Active, TestContext.Current.CancellationToken);
        Assert.Equal(200, (await mailer.V2Async(HttpMethod.Get, "/v2/email/account")).Status);
        await keys.DeleteAsync(SesApiServer.OwnerB, key.Id, TestContext.Current.CancellationToken);
    }
}
