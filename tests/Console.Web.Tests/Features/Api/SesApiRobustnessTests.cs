using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Bad input never costs a 5xx, and every v2 answer has SES's error shape: wrongly typed JSON on every v2 route (taken from
/// the running app's endpoints, so a new route is walked without touching this test), operations the console does not
/// implement, and a request signed for another service.
/// </summary>
public sealed partial class SesApiRobustnessTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    /// <summary>Wrong types at the top level and in the members the v2 operations read, plus malformed and absurd bodies.</summary>
    public static readonly string[] WrongBodies =
    [
        "[]", "[1,2]", "\"text\"", "5", "true", "null", "{", """{"a":""", "{}}", new string('[', 200) + new string(']', 200),
        """{"FromEmailAddress":5}""", """{"FromEmailAddressIdentityArn":{}}""", """{"Destination":[]}""", """{"Destination":"a@b.example"}""",
        """{"Destination":{"ToAddresses":"a@b.example"}}""", """{"Destination":{"ToAddresses":[5]}}""", """{"Destination":{"CcAddresses":[[]]}}""",
        """{"Content":"x"}""", """{"Content":{"Simple":[]}}""", """{"Content":{"Simple":{"Subject":{"Data":5}}}}""",
        """{"Content":{"Simple":{"Body":{"Text":"hi"}}}}""", """{"Content":{"Raw":{"Data":{}}}}""", """{"Content":{"Raw":"abc"}}""",
        """{"ReplyToAddresses":"a@b.example"}""", """{"EmailTags":[1]}""", """{"EmailTags":{"Name":"a"}}""",
        """{"Policy":5}""", """{"Policy":{"Version":"2012-10-17"}}""", """{"EmailIdentity":5}""", """{"EmailIdentity":["a.example"]}""",
        """{"DkimSigningAttributes":"x"}""", """{"DkimSigningAttributes":{"NextSigningKeyLength":2048}}""", """{"Tags":{}}""", """{"Tags":[{"Key":1}]}""",
        """{"SigningEnabled":"yes"}""", """{"SigningEnabled":1}""", """{"MailFromDomain":{}}""", """{"BehaviorOnMxFailure":1}""",
        """{"EmailAddress":[1]}""", """{"Reason":false}""", """{"PageSize":"ten"}""", """{"PageSize":1.5}""", """{"PageSize":1e400}""",
        """{"NextToken":7}""", """{"ConfigurationSetName":5}""", """{"SendingOptions":{"SendingEnabled":"no"}}""", """{"FromEmailAddress":null}""",
        """{"TemplateName":5,"TemplateContent":{"Subject":"s"}}""", """{"TemplateContent":"x"}""", """{"TemplateContent":{"Html":7}}""", """{"TemplateData":{}}""",
    ];

    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    /// <summary>Every v2 route of the running app: method, a concrete path (route values filled in), and its pattern.</summary>
    private List<(string Method, string Path, string Pattern)> V2Routes()
    {
        var routes = new List<(string, string, string)>();
        foreach (var endpoint in api.Server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (!pattern.StartsWith("/v2/", StringComparison.Ordinal))
            {
                continue;
            }

            var path = RouteParameter().Replace(pattern, m => m.Groups["name"].Value switch
            {
                "identity" => "walk.example",
                "policy" => "WalkPolicy",
                "address" => "walk%40customer.example",
                "name" => "walk-set",
                "operation" => "email/no-such-operation",
                _ => "x",
            });
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? AllMethods)
            {
                routes.Add((method, path, pattern));
            }
        }

        return routes;
    }

    [GeneratedRegex(@"\{\**(?<name>\w+)[^}]*\}")]
    private static partial Regex RouteParameter();

    private static void AssertV2ErrorShape(SesApiResponse response, string what)
    {
        Assert.True(response.Status < 500, $"{what}: {response.Status} {response.Body}");
        if (response.Status < 400)
        {
            return;
        }

        Assert.False(string.IsNullOrEmpty(response.ErrorType), $"{what}: no x-amzn-ErrorType ({response.Status} {response.Body})");
        Assert.Equal("application/json", response.ContentType);
        Assert.NotNull(response.RequestId);
        var json = response.Json;
        Assert.Equal(response.ErrorType, json.GetProperty("__type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("message").GetString()), what);
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryV2Route_WrongTypedBodies_NeverA5xx_AlwaysTheSesV2ErrorShape()
    {
        var routes = V2Routes();
        Assert.Contains(routes, r => r is ("POST", "/v2/email/outbound-emails", _));
        Assert.Contains(routes, r => r.Pattern == "/v2/email/identities/{identity}/policies/{policy}" && r.Method == "PUT");
        Assert.Contains(routes, r => r.Pattern.StartsWith("/v2/email/configuration-sets", StringComparison.Ordinal));
        Assert.True(routes.Count >= 25, $"only {routes.Count} v2 routes found");

        var bad = 0;
        foreach (var (method, path, _) in routes)
        {
            foreach (var body in WrongBodies)
            {
                var response = await api.A.V2Async(new HttpMethod(method), path, body);
                AssertV2ErrorShape(response, $"{method} {path} {body}");
                bad += response.Status == 400 ? 1 : 0;
            }
        }

        Assert.True(bad > routes.Count * 5, "the wrong bodies were mostly refused"); // not everything answered 200 or 404
    }

    [Theory]
    [InlineData("POST", "/v2/email/outbound-emails", """{"FromEmailAddress":5}""", "Field FromEmailAddress must be a string.")]
    [InlineData("POST", "/v2/email/outbound-emails", "[]", "The request body must be a JSON object, not an array.")]
    [InlineData("POST", "/v2/email/outbound-emails", """{"Destination":[]}""", "Field Destination must be a structure (a JSON object).")]
    [InlineData("POST", "/v2/email/outbound-emails", """{"Destination":{"ToAddresses":["a@b.example",5]}}""", "Field Destination.ToAddresses[1] must be a string.")]
    [InlineData("POST", "/v2/email/outbound-emails", """{"Content":{"Simple":{"Subject":{"Data":true}}}}""", "Field Content.Simple.Subject.Data must be a string.")]
    [InlineData("POST", "/v2/email/outbound-emails", """{"EmailTags":[1]}""", "Field EmailTags[0] must be a structure (a JSON object).")]
    [InlineData("POST", "/v2/email/identities/robust.example/policies/P1", """{"Policy":5}""", "Field Policy must be a string.")]
    [InlineData("PUT", "/v2/email/identities/robust.example/policies/P1", """{"Policy":{"Statement":[]}}""", "Field Policy must be a string.")]
    [InlineData("POST", "/v2/email/identities", """{"EmailIdentity":5}""", "Field EmailIdentity must be a string.")]
    [InlineData("PUT", "/v2/email/identities/robust.example/dkim", """{"SigningEnabled":"yes"}""", "Field SigningEnabled must be a boolean (true or false).")]
    [InlineData("POST", "/v2/email/list-identities", """{"PageSize":"ten"}""", "Field PageSize must be an integer.")]
    [InlineData("POST", "/v2/email/configuration-sets", """{"Tags":{}}""", "Field Tags must be a list (a JSON array).")]
    [InlineData("PUT", "/v2/email/suppression/addresses", "{\"EmailAddress\":", "The request body is not valid JSON (line 1, byte 17).")]
    public async Task WrongTypedMember_BadRequestExceptionNamingTheField(string method, string path, string body, string message)
    {
        var response = await api.A.V2Async(new HttpMethod(method), path, body);

        Assert.Equal(400, response.Status);
        Assert.Equal("BadRequestException", response.ErrorType);
        Assert.Equal(message, response.Json.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("GET", "/v2/email/no-such-operation")]
    [InlineData("POST", "/v2/email/custom-verification-email-templates")]
    [InlineData("PATCH", "/v2/email/account")]
    [InlineData("DELETE", "/v2/email/account")]
    [InlineData("GET", "/v2/email/outbound-emails")]
    [InlineData("GET", "/v2/email/identities/robust.example/feedback")]
    [InlineData("POST", "/v2/other/thing")]
    public async Task UnknownOperation_SignedOrNot_UnknownOperationExceptionInTheV2Shape_NotTheConsolePage(string method, string path)
    {
        var signed = await api.A.V2Async(new HttpMethod(method), path, "{}");
        using var http = new HttpClient { BaseAddress = new Uri(api.Server.BaseUrl) };
        using var unsigned = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(404, signed.Status);
        Assert.Equal("UnknownOperationException", signed.ErrorType);
        AssertV2ErrorShape(signed, path);
        Assert.Contains(path, signed.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, (int)unsigned.StatusCode);
        Assert.Equal("UnknownOperationException", unsigned.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("application/json", unsigned.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownV1Action_KeepsTheXmlInvalidAction()
    {
        var response = await api.A.V1Async(("Action", "SendCustomVerificationEmail"));

        Assert.Equal(400, response.Status);
        Assert.Equal("text/xml", response.ContentType);
        Assert.Equal("InvalidAction", response.V1Code);
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("email")]
    [InlineData("sesx")]
    [InlineData("SES")]
    public async Task SignedForAnotherService_Refused403InBothShapes_EvenWithAValidSignature(string service)
    {
        using var client = new SesApiTestClient(api.Server.BaseUrl, api.KeyA.Id, api.KeyA.Secret, service: service);

        var v2 = await client.V2Async(HttpMethod.Get, "/v2/email/account");
        var v1 = await client.V1Async(("Action", "GetSendQuota"));

        Assert.Equal(403, v2.Status);
        Assert.Equal("InvalidSignatureException", v2.ErrorType);
        Assert.Equal("Credential should be scoped to correct service: 'ses'.", v2.Json.GetProperty("message").GetString());
        Assert.Equal(403, v1.Status);
        Assert.Equal("SignatureDoesNotMatch", v1.V1Code);
        Assert.Equal("Credential should be scoped to correct service: 'ses'.", v1.Xml.Descendants(SesApiTestClient.Ns + "Message").Single().Value);
    }

    [Fact]
    public async Task SignedForSts_V2PathIsRefused_AndPostSlashGoesToStsWhichRunsNoSesAction()
    {
        using var client = new SesApiTestClient(api.Server.BaseUrl, api.KeyA.Id, api.KeyA.Secret, service: "sts");

        var v2 = await client.V2Async(HttpMethod.Get, "/v2/email/account");
        var v1 = await client.V1Async(("Action", "GetSendQuota"));

        Assert.Equal(403, v2.Status);
        Assert.Equal("InvalidSignatureException", v2.ErrorType);
        // POST / is shared with STS (docs/sts.md): an sts-scoped signature reaches STS, which knows no GetSendQuota.
        Assert.Equal(400, v1.Status);
        XNamespace sts = "https://sts.amazonaws.com/doc/2011-06-15/";
        Assert.Equal("InvalidAction", v1.Xml.Descendants(sts + "Code").Single().Value);
        Assert.Empty(v1.Xml.Descendants(SesApiTestClient.Ns + "GetSendQuotaResult"));
    }

    [Fact]
    public async Task SignedForSes_Accepted()
    {
        using var client = new SesApiTestClient(api.Server.BaseUrl, api.KeyA.Id, api.KeyA.Secret, service: "ses");

        Assert.Equal(200, (await client.V2Async(HttpMethod.Get, "/v2/email/account")).Status);
        Assert.Equal(200, (await client.V1Async(("Action", "GetSendQuota"))).Status);
    }
}
