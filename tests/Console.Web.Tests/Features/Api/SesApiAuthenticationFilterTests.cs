using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Api;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// The SigV4 filter guards every route of the SES API group: an unsigned or badly signed request gets SES's error in the
/// route's shape and never reaches a handler (nothing is created, sent or listed), on every v2 route of the running app and
/// every v1 action of the table (docs/ses-api.md#authentication).
/// </summary>
public sealed partial class SesApiAuthenticationFilterTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "DELETE"];

    [Fact]
    public async Task EveryRouteAndAction_Unsigned_MissingAuthenticationToken403_InItsShape()
    {
        using var http = new HttpClient { BaseAddress = new Uri(api.Server.BaseUrl) };
        var routes = V2Routes();
        Assert.True(routes.Count >= 20, $"only {routes.Count} v2 routes");

        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("{}") };
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

            Assert.True((int)response.StatusCode == 403, $"{method} {path}: {(int)response.StatusCode} {body}");
            Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }

        foreach (var action in SesApiV1.Actions.Select(a => a.Name))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = Form(action) };
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

            Assert.True((int)response.StatusCode == 403, $"{action}: {(int)response.StatusCode} {body}");
            Assert.Contains("<Code>MissingAuthenticationToken</Code>", body, StringComparison.Ordinal);
            Assert.Contains("<Type>Sender</Type>", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryRouteAndAction_WrongSecret_SignatureDoesNotMatch403_InItsShape()
    {
        using var forger = new SesApiTestClient(api.Server.BaseUrl, api.KeyA.Id, "not-the-secret-of-this-key");

        foreach (var (method, path) in V2Routes())
        {
            var response = await forger.V2Async(new HttpMethod(method), path, "{}");

            Assert.True(response.Status == 403, $"{method} {path}: {response.Status} {response.Body}");
            Assert.Equal("InvalidSignatureException", response.ErrorType);
            Assert.Equal("InvalidSignatureException", response.Json.GetProperty("__type").GetString());
        }

        foreach (var action in SesApiV1.Actions.Select(a => a.Name))
        {
            var response = await forger.V1Async(("Action", action));

            Assert.True(response.Status == 403, $"{action}: {response.Status} {response.Body}");
            Assert.Equal("SignatureDoesNotMatch", response.V1Code);
        }
    }

    [Fact]
    public async Task UnsignedOrForgedWrites_ReachNoHandler_NothingIsCreated()
    {
        using var forger = new SesApiTestClient(api.Server.BaseUrl, api.KeyA.Id, "not-the-secret-of-this-key");
        using var http = new HttpClient { BaseAddress = new Uri(api.Server.BaseUrl) };
        var statisticsBefore = (await api.A.V1Async(("Action", "GetSendStatistics"))).Xml.Descendants(SesApiTestClient.Ns + "SendDataPoints").Single().ToString();
        var quotaBefore = (await api.A.V1Async(("Action", "GetSendQuota"))).Xml.Descendants(SesApiTestClient.Ns + "SentLast24Hours").Single().Value;
        var writes = new (HttpMethod Method, string Path, string Json)[]
        {
            (HttpMethod.Post, "/v2/email/identities", """{"EmailIdentity":"filter-forged.example"}"""),
            (HttpMethod.Put, "/v2/email/suppression/addresses", """{"EmailAddress":"forged@filter.example","Reason":"BOUNCE"}"""),
            (HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"filter-forged"}"""),
            (HttpMethod.Post, "/v2/email/outbound-emails",
                """{"FromEmailAddress":"owner@example.com","Destination":{"ToAddresses":["success@simulator.amazonses.com"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"b"}}}}}"""),
        };
        foreach (var (method, path, json) in writes)
        {
            Assert.Equal(403, (await forger.V2Async(method, path, json)).Status);
            using var unsigned = await http.SendAsync(new HttpRequestMessage(method, path) { Content = Json(json) }, TestContext.Current.CancellationToken);
            Assert.Equal(403, (int)unsigned.StatusCode);
        }

        Assert.Equal(403, (await forger.V1Async(("Action", "VerifyDomainIdentity"), ("Domain", "filter-forged-v1.example"))).Status);
        Assert.Equal(403, (await forger.V1Async(("Action", "CreateConfigurationSet"), ("ConfigurationSet.Name", "filter-forged-v1"))).Status);
        Assert.Equal(403, (await forger.V1Async(("Action", "SendEmail"), ("Source", "owner@example.com"),
            ("Destination.ToAddresses.member.1", "success@simulator.amazonses.com"), ("Message.Subject.Data", "s"), ("Message.Body.Text.Data", "b"))).Status);

        var identities = await api.A.V2Async(HttpMethod.Get, "/v2/email/identities");
        var sets = await api.A.V2Async(HttpMethod.Get, "/v2/email/configuration-sets");
        var suppressed = await api.A.V2Async(HttpMethod.Get, "/v2/email/suppression/addresses");
        var statistics = (await api.A.V1Async(("Action", "GetSendStatistics"))).Xml.Descendants(SesApiTestClient.Ns + "SendDataPoints").Single().ToString();
        var quota = (await api.A.V1Async(("Action", "GetSendQuota"))).Xml.Descendants(SesApiTestClient.Ns + "SentLast24Hours").Single().Value;
        Assert.DoesNotContain("filter-forged", identities.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("filter-forged", sets.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("forged@filter.example", suppressed.Body, StringComparison.Ordinal);
        Assert.Equal(statisticsBefore, statistics);
        Assert.Equal(quotaBefore, quota);
    }

    /// <summary>Every v2 route of the SES API group in the running app (the catch-all for unknown operations excepted).</summary>
    private List<(string Method, string Path)> V2Routes()
    {
        var routes = new List<(string, string)>();
        foreach (var endpoint in api.Server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (endpoint.Metadata.GetMetadata<SesApiDialect>()?.Dialect != ErrorDialect.V2 || pattern.Contains("{**", StringComparison.Ordinal))
            {
                continue;
            }

            var path = RouteParameter().Replace(pattern, m => m.Groups["name"].Value switch
            {
                "identity" => "filter.example",
                "address" => "filter%40customer.example",
                _ => "filter-" + m.Groups["name"].Value,
            });
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? AllMethods)
            {
                routes.Add((method, path));
            }
        }

        return routes;
    }

    private static ByteArrayContent Json(string json) =>
        new(Encoding.UTF8.GetBytes(json)) { Headers = { ContentType = MediaTypeHeaderValue.Parse("application/json") } };

    private static ByteArrayContent Form(string action) =>
        new(SesApiTestClient.Form([("Action", action), ("Version", "2010-12-01")]))
        {
            Headers = { ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded") },
        };

    [GeneratedRegex(@"\{\**(?<name>\w+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
