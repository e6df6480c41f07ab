using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Web.Tests.Shared;
using static SesConsole.Web.Tests.Features.Sts.StsWorld;

namespace SesConsole.Web.Tests.Features.Sts;

/// <summary>Session credentials expire by the app's clock: STS and both SES APIs answer ExpiredToken in their own shapes.</summary>
public sealed class StsExpiryTests
{
    [Fact]
    public async Task Expired_session_credentials_get_ExpiredToken_in_the_STS_and_SES_shapes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ConsoleAppFactory { Time = clock };
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        var world = await StsWorld.CreateAsync(app.Services);
        using var alice = new AwsTestClient(baseUrl, world.Key("alice").Id, world.Key("alice").Secret, clock: clock);
        var session = AwsTestClient.Credentials(await alice.StsAsync("AssumeRole", ("RoleArn", RoleArn(A, "named")), ("RoleSessionName", "short"),
            ("DurationSeconds", "900")));
        using var asSession = AwsTestClient.For(baseUrl, session, clock);

        clock.Advance(TimeSpan.FromSeconds(899));
        var justBefore = await asSession.StsAsync("GetCallerIdentity");
        clock.Advance(TimeSpan.FromSeconds(1));
        var viaSts = await asSession.StsAsync("GetCallerIdentity");
        var viaV2 = await asSession.SesV2Async(HttpMethod.Get, "/v2/email/account");
        var viaV1 = await asSession.SesV1Async("GetSendQuota");

        Assert.Equal(200, justBefore.Status);
        Assert.Equal(403, viaSts.Status);
        Assert.Equal("ExpiredToken", AwsTestClient.StsErrorCode(viaSts));
        Assert.Contains("The security token included in the request is expired", viaSts.Body, StringComparison.Ordinal);
        Assert.Equal(403, viaV2.Status);
        Assert.Equal("ExpiredTokenException", viaV2.ErrorType);
        Assert.Equal("ExpiredTokenException", viaV2.Json.GetProperty("__type").GetString());
        Assert.Equal(403, viaV1.Status);
        Assert.Equal("ExpiredToken", viaV1.V1Code);
    }
}
