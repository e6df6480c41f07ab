using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>The real AWS SDKs for JavaScript v3 (client-sesv2 and client-ses, in tests/sdk-client) against the console on a real port.</summary>
public sealed class SesApiSdkTests
{
    [Fact]
    public async Task AWS_SDKs_manage_identities_and_get_SES_shaped_errors()
    {
        await using var server = new KestrelConsoleAppFactory();
        server.Start();
        var owner = new Caller("sdk", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
        var key = await server.App.Services.CreateScope().ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(owner, null, TestContext.Current.CancellationToken);

        var output = await KestrelConsoleAppFactory.RunNodeAsync("identities.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = server.BaseUrl, ["SES_REGION"] = "us-east-1", ["SES_KEY"] = key.Value!.Id, ["SES_SECRET"] = key.Value.Secret,
        });

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.Equal("EMAIL_ADDRESS", r.GetProperty("createEmail").GetProperty("IdentityType").GetString());
        Assert.Equal(3, r.GetProperty("createDomain").GetProperty("Tokens").GetInt32());
        Assert.Equal("PENDING", r.GetProperty("createDomain").GetProperty("Status").GetString());
        Assert.Equal("ok", r.GetProperty("policyCreate").GetString());
        Assert.Equal("AlreadyExistsException", r.GetProperty("policyDuplicate").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal("Policy Agency already exists", r.GetProperty("policyDuplicate").GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("NotFoundException", r.GetProperty("policyUpdateMissing").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal("InvalidPolicyException", r.GetProperty("policyInvalidV1").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal(["Agency", "Second"], r.GetProperty("policyListV1").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("ok", r.GetProperty("policyDeleteMissingV1").GetString());
        Assert.Equal(["Agency", "Second"], r.GetProperty("policyGet").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("AlreadyExistsException", r.GetProperty("createDuplicate").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal(["DOMAIN:sdk.example.com:PENDING", "EMAIL_ADDRESS:sdk@example.com:PENDING"], r.GetProperty("list").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("AWS_SES", r.GetProperty("get").GetProperty("Origin").GetString());
        Assert.Equal("RSA_1024_BIT", r.GetProperty("get").GetProperty("KeyLength").GetString());
        Assert.Equal("ok", r.GetProperty("dkimOff").GetString());
        Assert.Equal("ok", r.GetProperty("mailFrom").GetString());
        var afterPut = r.GetProperty("getAfterPut");
        Assert.False(afterPut.GetProperty("SigningEnabled").GetBoolean());
        Assert.Equal(3, afterPut.GetProperty("Tokens").GetArrayLength());
        Assert.Equal("bounce.sdk.example.com", afterPut.GetProperty("MailFrom").GetProperty("MailFromDomain").GetString());
        Assert.Equal("PENDING", afterPut.GetProperty("MailFrom").GetProperty("MailFromDomainStatus").GetString());
        Assert.Equal("REJECT_MESSAGE", afterPut.GetProperty("MailFrom").GetProperty("BehaviorOnMxFailure").GetString());
        Assert.Equal(["Agency", "Second"], afterPut.GetProperty("Policies").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(("NotFoundException", 404), (r.GetProperty("dkimOtherAccountMissing").GetProperty("error").GetProperty("name").GetString(), r.GetProperty("dkimOtherAccountMissing").GetProperty("error").GetProperty("status").GetInt32()));
        Assert.Equal("BadRequestException", r.GetProperty("mailFromNotSubdomain").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal(["[\"sdk@example.com\"]", "[\"sdk.example.com\"]"], r.GetProperty("listPaged").EnumerateArray().Select(p => p.GetRawText()));
        var v1Dkim = r.GetProperty("v1DkimAttributes");
        Assert.Equal(["sdk.example.com", "sdk@example.com"], v1Dkim.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.False(v1Dkim.GetProperty("sdk.example.com").GetProperty("DkimEnabled").GetBoolean());
        Assert.Equal("Pending", v1Dkim.GetProperty("sdk.example.com").GetProperty("DkimVerificationStatus").GetString());
        Assert.Equal(afterPut.GetProperty("Tokens").GetRawText(), v1Dkim.GetProperty("sdk.example.com").GetProperty("DkimTokens").GetRawText());
        Assert.True(r.GetProperty("v1DkimOn").GetBoolean());
        Assert.Equal("MessageRejected", r.GetProperty("v1DkimUnknown").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal("Identity unknown.example.com is not verified or does not exist.", r.GetProperty("v1DkimUnknown").GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(afterPut.GetProperty("Tokens").GetRawText(), r.GetProperty("v1VerifyDomainDkim").GetRawText());
        var v1MailFrom = r.GetProperty("v1MailFrom").GetProperty("sdk.example.com");
        Assert.Equal(("mail.sdk.example.com", "Pending", "UseDefaultValue"), (v1MailFrom.GetProperty("MailFromDomain").GetString(), v1MailFrom.GetProperty("MailFromDomainStatus").GetString(), v1MailFrom.GetProperty("BehaviorOnMXFailure").GetString()));
        Assert.Equal(["[\"sdk@example.com\"]", "[\"sdk.example.com\"]"], r.GetProperty("v1ListPaged").EnumerateArray().Select(p => p.GetRawText()));
        Assert.Equal("NotFoundException", r.GetProperty("getMissing").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal(404, r.GetProperty("getMissing").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(50_000, r.GetProperty("account").GetProperty("Max24HourSend").GetDouble());
        Assert.True(r.GetProperty("account").GetProperty("ProductionAccessEnabled").GetBoolean());
        Assert.Equal(["sdk.example.com", "sdk@example.com"], r.GetProperty("v1List").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(44, r.GetProperty("v1VerifyDomain").GetProperty("tokenLength").GetInt32());
        Assert.Equal("Pending", r.GetProperty("v1Attributes").GetProperty("v1.example.com").GetString());
        Assert.Equal("Pending", r.GetProperty("v1Attributes").GetProperty("v1@example.com").GetString());
        Assert.Equal(14, r.GetProperty("v1Quota").GetProperty("MaxSendRate").GetDouble());
        Assert.Equal("ok", r.GetProperty("delete").GetString());
        Assert.Equal("ok", r.GetProperty("suppressPut").GetString());
        Assert.Equal("gone@customer.example", r.GetProperty("suppressGet").GetProperty("address").GetString());
        Assert.Equal("BOUNCE", r.GetProperty("suppressGet").GetProperty("reason").GetString());
        Assert.True(r.GetProperty("suppressGet").GetProperty("year").GetInt32() >= 2026);
        Assert.Equal(["gone@customer.example"], r.GetProperty("suppressList").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("ok", r.GetProperty("suppressDelete").GetString());
        Assert.Equal("NotFoundException", r.GetProperty("suppressGetMissing").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal("InvalidSignatureException", r.GetProperty("wrongSecret").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal(403, r.GetProperty("wrongSecret").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("InvalidClientTokenId", r.GetProperty("unknownKeyV1").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal("The security token included in the request is invalid.", r.GetProperty("unknownKeyV1").GetProperty("error").GetProperty("message").GetString());

        var keys = await server.App.Services.CreateScope().ServiceProvider.GetRequiredService<AccessKeysService>().ListAsync(owner, null, TestContext.Current.CancellationToken);
        Assert.NotNull(Assert.Single(keys.Value!).LastUsedAt);
    }
}
