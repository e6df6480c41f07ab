using System.Text.Json;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Contract tests of the DKIM and MAIL FROM operations (v2 PutEmailIdentityDkimAttributes / PutEmailIdentityMailFromAttributes
/// and GetEmailIdentity; v1 VerifyDomainDkim, GetIdentityDkimAttributes, SetIdentityDkimEnabled, SetIdentityMailFromDomain,
/// GetIdentityMailFromDomainAttributes) over HTTP with SigV4, on a real Kestrel port.
/// </summary>
public sealed class SesApiIdentitySettingsTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static string Path(string identity, string suffix = "") => $"/v2/email/identities/{Uri.EscapeDataString(identity)}{suffix}";

    private async Task CreateDomainAsync(string domain)
    {
        var created = await api.A.V2Async(HttpMethod.Post, "/v2/email/identities",
            $$$"""{"EmailIdentity":"{{{domain}}}","DkimSigningAttributes":{"NextSigningKeyLength":"RSA_1024_BIT"}}""");
        Assert.True(created.Status == 200 || created.ErrorType == "AlreadyExistsException", created.Body);
    }

    private async Task<JsonElement> GetAsync(string identity)
    {
        var got = await api.A.V2Async(HttpMethod.Get, Path(identity));
        Assert.Equal(200, got.Status);
        return got.Json;
    }

    [Fact]
    public async Task PutEmailIdentityDkimAttributes_TogglesSigning_GetEmailIdentityReflectsIt()
    {
        await CreateDomainAsync("dkim-toggle.example");
        Assert.True((await GetAsync("dkim-toggle.example")).GetProperty("DkimAttributes").GetProperty("SigningEnabled").GetBoolean());

        var off = await api.A.V2Async(HttpMethod.Put, Path("dkim-toggle.example", "/dkim"), """{"SigningEnabled":false}""");

        Assert.Equal(200, off.Status);
        Assert.Equal("{}", off.Body);
        Assert.NotNull(off.RequestId);
        var dkim = (await GetAsync("dkim-toggle.example")).GetProperty("DkimAttributes");
        Assert.False(dkim.GetProperty("SigningEnabled").GetBoolean());
        Assert.Equal("PENDING", dkim.GetProperty("Status").GetString());
        Assert.Equal(3, dkim.GetProperty("Tokens").GetArrayLength());

        var on = await api.A.V2Async(HttpMethod.Put, Path("dkim-toggle.example", "/dkim"), """{"SigningEnabled":true}""");

        Assert.Equal(200, on.Status);
        Assert.True((await GetAsync("dkim-toggle.example")).GetProperty("DkimAttributes").GetProperty("SigningEnabled").GetBoolean());
    }

    [Fact]
    public async Task PutEmailIdentityDkimAttributes_OtherAccountsIdentity_NotFoundAndUnchanged()
    {
        await CreateDomainAsync("dkim-owned.example");

        var response = await api.B.V2Async(HttpMethod.Put, Path("dkim-owned.example", "/dkim"), """{"SigningEnabled":false}""");

        Assert.Equal(404, response.Status);
        Assert.Equal("NotFoundException", response.ErrorType);
        Assert.Equal("NotFoundException", response.Json.GetProperty("__type").GetString());
        Assert.True((await GetAsync("dkim-owned.example")).GetProperty("DkimAttributes").GetProperty("SigningEnabled").GetBoolean());
    }

    [Theory]
    [InlineData("""{"SigningEnabled":"no"}""", "dkim-bad.example", 400, "BadRequestException")]
    [InlineData("""{"SigningEnabled":""", "dkim-bad.example", 400, "BadRequestException")]
    [InlineData("""{"SigningEnabled":false}""", "missing.example", 404, "NotFoundException")]
    [InlineData("""{"SigningEnabled":false}""", "someone@dkim-bad.example", 400, "BadRequestException")]
    public async Task PutEmailIdentityDkimAttributes_BadInput_SesErrorAndNothingStored(string body, string identity, int status, string error)
    {
        await CreateDomainAsync("dkim-bad.example");
        await api.A.V2Async(HttpMethod.Post, "/v2/email/identities", """{"EmailIdentity":"someone@dkim-bad.example"}""");

        var response = await api.A.V2Async(HttpMethod.Put, Path(identity, "/dkim"), body);

        Assert.Equal(status, response.Status);
        Assert.Equal(error, response.ErrorType);
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("message").GetString()));
        Assert.True((await GetAsync("dkim-bad.example")).GetProperty("DkimAttributes").GetProperty("SigningEnabled").GetBoolean());
    }

    [Fact]
    public async Task PutEmailIdentityMailFromAttributes_SetsAndRemoves_GetEmailIdentityReflectsIt()
    {
        await CreateDomainAsync("mailfrom.example");

        var set = await api.A.V2Async(HttpMethod.Put, Path("mailfrom.example", "/mail-from"),
            """{"MailFromDomain":"bounce.mailfrom.example","BehaviorOnMxFailure":"REJECT_MESSAGE"}""");

        Assert.Equal(200, set.Status);
        var attributes = (await GetAsync("mailfrom.example")).GetProperty("MailFromAttributes");
        Assert.Equal("bounce.mailfrom.example", attributes.GetProperty("MailFromDomain").GetString());
        Assert.Equal("PENDING", attributes.GetProperty("MailFromDomainStatus").GetString());
        Assert.Equal("REJECT_MESSAGE", attributes.GetProperty("BehaviorOnMxFailure").GetString());

        var removed = await api.A.V2Async(HttpMethod.Put, Path("mailfrom.example", "/mail-from"), "{}");

        Assert.Equal(200, removed.Status);
        Assert.Equal(JsonValueKind.Null, (await GetAsync("mailfrom.example")).GetProperty("MailFromAttributes").ValueKind);
    }

    [Theory]
    [InlineData("B", """{"MailFromDomain":"bounce.mailfrom-bad.example"}""", 404, "NotFoundException")]
    [InlineData("A", """{"MailFromDomain":"bounce.elsewhere.example"}""", 400, "BadRequestException")]
    [InlineData("A", """{"MailFromDomain":"bounce.mailfrom-bad.example","BehaviorOnMxFailure":"BOUNCE"}""", 400, "BadRequestException")]
    [InlineData("A", """{"MailFromDomain":42}""", 400, "BadRequestException")]
    public async Task PutEmailIdentityMailFromAttributes_BadInputOrOtherAccount_SesErrorAndNothingStored(string caller, string body, int status, string error)
    {
        await CreateDomainAsync("mailfrom-bad.example");

        var response = await (caller == "A" ? api.A : api.B).V2Async(HttpMethod.Put, Path("mailfrom-bad.example", "/mail-from"), body);

        Assert.Equal(status, response.Status);
        Assert.Equal(error, response.ErrorType);
        Assert.Equal(JsonValueKind.Null, (await GetAsync("mailfrom-bad.example")).GetProperty("MailFromAttributes").ValueKind);
    }

    [Fact]
    public async Task VerifyDomainDkim_CreatesTheDomainOnce_ReturnsItsThreeTokens()
    {
        var first = await api.A.V1Async(("Action", "VerifyDomainDkim"), ("Domain", "v1-dkim.example"));
        var second = await api.A.V1Async(("Action", "VerifyDomainDkim"), ("Domain", "v1-dkim.example"));

        Assert.Equal(200, first.Status);
        var tokens = first.Xml.Descendants(SesApiTestClient.Ns + "DkimTokens").Single().Elements(SesApiTestClient.Ns + "member").Select(m => m.Value).ToList();
        Assert.Equal(3, tokens.Count);
        Assert.Equal(tokens, second.Xml.Descendants(SesApiTestClient.Ns + "member").Select(m => m.Value));
        var v2 = await GetAsync("v1-dkim.example");
        Assert.Equal(tokens, v2.GetProperty("DkimAttributes").GetProperty("Tokens").EnumerateArray().Select(t => t.GetString()));
    }

    [Theory]
    [InlineData("VerifyDomainIdentity")]
    [InlineData("VerifyDomainDkim")]
    public async Task Verifying_a_failed_domain_again_restarts_it_with_the_same_token_and_keys(string action)
    {
        var domain = $"restart-{action.ToLowerInvariant()}.example";
        await CreateDomainAsync(domain);
        var before = (await GetAsync(domain)).GetProperty("DkimAttributes").GetProperty("Tokens").GetRawText();
        var db = api.Service<Microsoft.EntityFrameworkCore.IDbContextFactory<SesConsole.Data.ConsoleDbContext>>();
        await using (var failing = await db.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                failing.SendingIdentities.Where(i => i.Name == domain),
                u => u.SetProperty(i => i.VerificationStatus, SesConsole.Domain.Identities.VerificationStatus.Failed)
                      .SetProperty(i => i.DkimStatus, SesConsole.Domain.Identities.VerificationStatus.Failed),
                TestContext.Current.CancellationToken);
        }

        Assert.Equal("FAILED", (await GetAsync(domain)).GetProperty("VerificationStatus").GetString());

        var again = await api.A.V1Async(("Action", action), ("Domain", domain));

        Assert.Equal(200, again.Status);
        var after = await GetAsync(domain);
        Assert.Equal("PENDING", after.GetProperty("VerificationStatus").GetString());
        Assert.Equal("PENDING", after.GetProperty("DkimAttributes").GetProperty("Status").GetString());
        Assert.Equal(before, after.GetProperty("DkimAttributes").GetProperty("Tokens").GetRawText());
    }

    [Fact]
    public async Task VerifyDomainDkim_EmailAddress_InvalidParameterValue()
    {
        var response = await api.A.V1Async(("Action", "VerifyDomainDkim"), ("Domain", "person@v1-dkim-bad.example"));

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidParameterValue", response.V1Code);
    }

    [Fact]
    public async Task GetIdentityDkimAttributes_ListsOwnKnownIdentities_LeavesOutOthers()
    {
        await CreateDomainAsync("v1-attrs.example");
        await api.A.V1Async(("Action", "VerifyEmailIdentity"), ("EmailAddress", "me@v1-attrs.example"));

        var response = await api.A.V1Async(("Action", "GetIdentityDkimAttributes"),
            ("Identities.member.1", "v1-attrs.example"), ("Identities.member.2", "me@v1-attrs.example"), ("Identities.member.3", "unknown.example"));
        var fromB = await api.B.V1Async(("Action", "GetIdentityDkimAttributes"), ("Identities.member.1", "v1-attrs.example"));

        Assert.Equal(200, response.Status);
        var entries = response.Xml.Descendants(SesApiTestClient.Ns + "entry")
            .ToDictionary(e => e.Element(SesApiTestClient.Ns + "key")!.Value, e => e.Element(SesApiTestClient.Ns + "value")!);
        Assert.Equal(["me@v1-attrs.example", "v1-attrs.example"], entries.Keys.Order(StringComparer.Ordinal));
        var domain = entries["v1-attrs.example"];
        Assert.Equal("true", domain.Element(SesApiTestClient.Ns + "DkimEnabled")!.Value);
        Assert.Equal("Pending", domain.Element(SesApiTestClient.Ns + "DkimVerificationStatus")!.Value);
        Assert.Equal(3, domain.Element(SesApiTestClient.Ns + "DkimTokens")!.Elements().Count());
        Assert.Equal("false", entries["me@v1-attrs.example"].Element(SesApiTestClient.Ns + "DkimEnabled")!.Value);
        Assert.Equal("NotStarted", entries["me@v1-attrs.example"].Element(SesApiTestClient.Ns + "DkimVerificationStatus")!.Value);
        Assert.Equal(200, fromB.Status);
        Assert.Empty(fromB.Xml.Descendants(SesApiTestClient.Ns + "entry"));
    }

    [Fact]
    public async Task GetIdentityDkimAttributes_MoreThan100Identities_InvalidParameterValue()
    {
        var fields = Enumerable.Range(1, 101).Select(n => ($"Identities.member.{n}", $"d{n}.example")).Prepend(("Action", "GetIdentityDkimAttributes")).ToArray();

        var response = await api.A.V1Async(fields);

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidParameterValue", response.V1Code);
    }

    [Fact]
    public async Task SetIdentityDkimEnabled_DisablesSigning_OtherAccountGetsMessageRejected()
    {
        await CreateDomainAsync("v1-set.example");

        var off = await api.A.V1Async(("Action", "SetIdentityDkimEnabled"), ("Identity", "v1-set.example"), ("DkimEnabled", "false"));
        var fromB = await api.B.V1Async(("Action", "SetIdentityDkimEnabled"), ("Identity", "v1-set.example"), ("DkimEnabled", "true"));
        var bad = await api.A.V1Async(("Action", "SetIdentityDkimEnabled"), ("Identity", "v1-set.example"), ("DkimEnabled", "maybe"));

        Assert.Equal(200, off.Status);
        Assert.Equal("SetIdentityDkimEnabledResponse", off.Xml.Name.LocalName);
        Assert.Equal(400, fromB.Status);
        Assert.Equal("MessageRejected", fromB.V1Code);
        Assert.Equal("Identity v1-set.example is not verified or does not exist.", fromB.Xml.Descendants(SesApiTestClient.Ns + "Message").Single().Value);
        Assert.Equal(400, bad.Status);
        Assert.Equal("InvalidParameterValue", bad.V1Code);
        Assert.False((await GetAsync("v1-set.example")).GetProperty("DkimAttributes").GetProperty("SigningEnabled").GetBoolean());
    }

    [Fact]
    public async Task SetIdentityMailFromDomain_ThenGetIdentityMailFromDomainAttributes()
    {
        await CreateDomainAsync("v1-mailfrom.example");

        var set = await api.A.V1Async(("Action", "SetIdentityMailFromDomain"), ("Identity", "v1-mailfrom.example"),
            ("MailFromDomain", "mail.v1-mailfrom.example"), ("BehaviorOnMXFailure", "RejectMessage"));
        var got = await api.A.V1Async(("Action", "GetIdentityMailFromDomainAttributes"), ("Identities.member.1", "v1-mailfrom.example"));
        var fromB = await api.B.V1Async(("Action", "SetIdentityMailFromDomain"), ("Identity", "v1-mailfrom.example"), ("MailFromDomain", "x.v1-mailfrom.example"));
        var bad = await api.A.V1Async(("Action", "SetIdentityMailFromDomain"), ("Identity", "v1-mailfrom.example"),
            ("MailFromDomain", "mail.v1-mailfrom.example"), ("BehaviorOnMXFailure", "Bounce"));

        Assert.Equal(200, set.Status);
        var value = got.Xml.Descendants(SesApiTestClient.Ns + "entry").Single().Element(SesApiTestClient.Ns + "value")!;
        Assert.Equal("mail.v1-mailfrom.example", value.Element(SesApiTestClient.Ns + "MailFromDomain")!.Value);
        Assert.Equal("Pending", value.Element(SesApiTestClient.Ns + "MailFromDomainStatus")!.Value);
        Assert.Equal("RejectMessage", value.Element(SesApiTestClient.Ns + "BehaviorOnMXFailure")!.Value);
        Assert.Equal(400, fromB.Status);
        Assert.Equal("MessageRejected", fromB.V1Code);
        Assert.Equal(400, bad.Status);
        Assert.Equal("InvalidParameterValue", bad.V1Code);
        Assert.Equal("mail.v1-mailfrom.example", (await GetAsync("v1-mailfrom.example")).GetProperty("MailFromAttributes").GetProperty("MailFromDomain").GetString());
    }
}
