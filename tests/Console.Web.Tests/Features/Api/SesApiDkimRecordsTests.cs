using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// An API-only user learns every DKIM record to publish, in CNAME mode (the default: <c>SigningHostedZone</c> and the
/// <c>DnsRecords</c> extension) and in TXT mode (<c>DnsRecords</c>), from v2 CreateEmailIdentity / GetEmailIdentity and
/// v1 GetIdentityDkimAttributes (<c>DkimRecords</c>); publishing exactly those records verifies the domain's DKIM.
/// </summary>
public sealed class SesApiDkimRecordsTests : IAsyncDisposable
{
    private const string Zone = "dkim.platform.example";
    private static readonly Caller Owner = SesApiServer.OwnerA;
    private static readonly Caller Admin = new("admin", "admin@example.com", null, null, null, true);

    private readonly TestDnsServer _dns = TestDnsServer.Start();
    private readonly KestrelConsoleAppFactory _server = new();
    private SesApiTestClient? _client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await _server.DisposeAsync();
        _dns.Dispose();
    }

    private async Task<(SesApiTestClient Client, string Key, string Secret)> StartAsync(params (string Key, string Value)[] settings)
    {
        _server.App.Settings["Dns:Servers:0"] = _dns.Endpoint;
        _server.App.Settings["Identities:RecheckInterval"] = "00:00:00";
        foreach (var (key, value) in settings)
        {
            _server.App.Settings[key] = value;
        }

        _server.Start();
        var created = (await Service<AccessKeysService>().CreateAsync(Owner, null, Ct)).Value!;
        _client = new SesApiTestClient(_server.BaseUrl, created.Id, created.Secret);
        return (_client, created.Id, created.Secret);
    }

    private T Service<T>() where T : notnull => _server.App.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private static List<(string Type, string Name, string Value)> V2Records(JsonElement dkimAttributes) =>
        dkimAttributes.GetProperty("DnsRecords").EnumerateArray()
            .Select(r => (r.GetProperty("Type").GetString()!, r.GetProperty("Name").GetString()!, r.GetProperty("Value").GetString()!)).ToList();

    private static List<(string Type, string Name, string Value)> V1Records(SesApiResponse response, string identity)
    {
        var ns = SesApiTestClient.Ns;
        var entry = response.Xml.Descendants(ns + "entry").Single(e => e.Element(ns + "key")!.Value == identity);
        return entry.Element(ns + "value")!.Element(ns + "DkimRecords")!.Elements(ns + "member")
            .Select(m => (m.Element(ns + "Type")!.Value, m.Element(ns + "Name")!.Value, m.Element(ns + "Value")!.Value)).ToList();
    }

    private static async Task<JsonElement> GetDkimAsync(SesApiTestClient api, string domain)
    {
        var got = await api.V2Async(HttpMethod.Get, $"/v2/email/identities/{domain}");
        Assert.Equal(200, got.Status);
        return got.Json.GetProperty("DkimAttributes");
    }

    [Fact]
    public async Task Cname_mode_the_API_returns_the_hosted_zone_and_the_cnames_and_publishing_them_verifies_dkim()
    {
        var (api, _, _) = await StartAsync(("Dns:DkimZone", Zone));
        const string domain = "api-cname.example";

        var created = await api.V2Async(HttpMethod.Post, "/v2/email/identities",
            $$$"""{"EmailIdentity":"{{{domain}}}","DkimSigningAttributes":{"NextSigningKeyLength":"RSA_1024_BIT"}}""");

        Assert.Equal(200, created.Status);
        var createdDkim = created.Json.GetProperty("DkimAttributes");
        Assert.Equal(Zone, createdDkim.GetProperty("SigningHostedZone").GetString());
        var tokens = createdDkim.GetProperty("Tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Equal(3, tokens.Count);
        // What SES documents for SigningHostedZone: TOKEN._domainkey.DOMAIN CNAME TOKEN.<SigningHostedZone>.
        var expected = tokens.Select(t => ("CNAME", $"{t}._domainkey.{domain}", $"{t}.{Zone}")).ToList();
        Assert.Equal(expected, V2Records(createdDkim));
        var got = await GetDkimAsync(api, domain);
        Assert.Equal(Zone, got.GetProperty("SigningHostedZone").GetString());
        Assert.Equal(expected, V2Records(got));
        var v1 = await api.V1Async(("Action", "GetIdentityDkimAttributes"), ("Identities.member.1", domain));
        Assert.Equal(200, v1.Status);
        Assert.Equal(expected, V1Records(v1, domain));

        foreach (var (_, name, value) in expected)
        {
            _dns.Set(name, "CNAME", value);
        }

        var identities = Service<IdentitiesService>();
        Assert.True((await identities.CheckNowAsync(Owner, "us-east-1", domain, Ct)).IsSuccess);
        Assert.Equal("PENDING", (await GetDkimAsync(api, domain)).GetProperty("Status").GetString()); // the zone has no keys yet

        foreach (var record in (await identities.ListPlatformDkimRecordsAsync(Admin, Ct)).Value!.Records.Where(r => r.Identity == domain))
        {
            _dns.Set(record.Name, "TXT", record.Value);
        }

        Assert.True((await identities.CheckNowAsync(Owner, "us-east-1", domain, Ct)).IsSuccess);
        var verified = await api.V2Async(HttpMethod.Get, $"/v2/email/identities/{domain}");
        Assert.Equal("SUCCESS", verified.Json.GetProperty("DkimAttributes").GetProperty("Status").GetString());
        Assert.Equal("SUCCESS", verified.Json.GetProperty("VerificationStatus").GetString());
    }

    [Fact]
    public async Task Txt_mode_the_API_returns_the_key_txt_records_and_publishing_them_verifies_dkim()
    {
        var (api, _, _) = await StartAsync(("Dns:DkimMode", "Txt"), ("Dns:DkimZone", Zone));
        const string domain = "api-txt.example";

        var created = await api.V2Async(HttpMethod.Post, "/v2/email/identities",
            $$$"""{"EmailIdentity":"{{{domain}}}","DkimSigningAttributes":{"NextSigningKeyLength":"RSA_1024_BIT"}}""");

        Assert.Equal(200, created.Status);
        var dkim = created.Json.GetProperty("DkimAttributes");
        Assert.Equal(JsonValueKind.Null, dkim.GetProperty("SigningHostedZone").ValueKind);
        var tokens = dkim.GetProperty("Tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
        var records = V2Records(dkim);
        Assert.Equal(tokens.Select(t => ("TXT", $"{t}._domainkey.{domain}")), records.Select(r => (r.Type, r.Name)));
        Assert.All(records, r => Assert.Matches("^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$", r.Value));
        Assert.Equal(records, V2Records(await GetDkimAsync(api, domain)));
        var v1 = await api.V1Async(("Action", "GetIdentityDkimAttributes"), ("Identities.member.1", domain));
        Assert.Equal(records, V1Records(v1, domain));
        Assert.Empty((await Service<IdentitiesService>().ListPlatformDkimRecordsAsync(Admin, Ct)).Value!.Records);

        foreach (var (type, name, value) in records)
        {
            _dns.Set(name, type, value);
        }

        Assert.True((await Service<IdentitiesService>().CheckNowAsync(Owner, "us-east-1", domain, Ct)).IsSuccess);
        Assert.Equal("SUCCESS", (await GetDkimAsync(api, domain)).GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Byodkim_has_no_hosted_zone_and_its_txt_record_in_cname_mode()
    {
        var (api, _, _) = await StartAsync(("Dns:DkimZone", Zone));
        var key = SesConsole.Domain.Identities.DkimKeyGenerator.Generate(1024).GetValueOrThrow();
        var body = JsonSerializer.Serialize(new
        {
            EmailIdentity = "api-byo.example",
            DkimSigningAttributes = new { DomainSigningSelector = "mine", DomainSigningPrivateKey = key.PrivateKeyPem },
        });

        var created = await api.V2Async(HttpMethod.Post, "/v2/email/identities", body);

        Assert.Equal(200, created.Status);
        var dkim = created.Json.GetProperty("DkimAttributes");
        Assert.Equal(JsonValueKind.Null, dkim.GetProperty("SigningHostedZone").ValueKind);
        Assert.Equal([("TXT", "mine._domainkey.api-byo.example", key.TxtValue)], V2Records(dkim));
    }

    [Fact]
    public async Task Cname_mode_the_real_AWS_SDK_reads_SigningHostedZone()
    {
        var (_, keyId, secret) = await StartAsync(("Dns:DkimZone", Zone));

        var output = await KestrelConsoleAppFactory.RunNodeAsync("dkim.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = _server.BaseUrl, ["SES_REGION"] = "us-east-1", ["SES_KEY"] = keyId, ["SES_SECRET"] = secret,
            ["SES_DOMAIN"] = "sdk-cname.example",
        });

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.Equal(Zone, r.GetProperty("created").GetProperty("SigningHostedZone").GetString());
        Assert.Equal(Zone, r.GetProperty("got").GetProperty("SigningHostedZone").GetString());
        var tokens = r.GetProperty("got").GetProperty("Tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Equal(3, tokens.Count);
        Assert.Equal(tokens, r.GetProperty("v1Tokens").EnumerateArray().Select(t => t.GetString()!));
        var details = (await Service<IdentitiesService>().GetAsync(Owner, "us-east-1", "sdk-cname.example", Ct)).Value!;
        Assert.Equal(
            tokens.Select(t => ($"{t}._domainkey.sdk-cname.example", $"{t}.{Zone}")).Order(),
            details.Records.Where(x => x.Type == "CNAME").Select(x => (x.Name, x.Value)).Order());
    }
}
