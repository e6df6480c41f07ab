using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using SesConsole.Domain.Authentication;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sts;

/// <summary>Temporary credentials as the tests read them from an AssumeRole or GetSessionToken answer.</summary>
public sealed record SessionCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration);

/// <summary>
/// A plain HttpClient that signs with SigV4 as the AWS SDKs do, for any service (<c>sts</c> or <c>ses</c>), with an
/// optional session token (<c>X-Amz-Security-Token</c>, signed) and an optional clock for the signature date.
/// </summary>
public sealed class AwsTestClient(string baseUrl, string accessKeyId, string secret, string? sessionToken = null, TimeProvider? clock = null, string region = "us-east-1")
    : IDisposable
{
    public static readonly XNamespace StsNs = "https://sts.amazonaws.com/doc/2011-06-15/";

    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl) };

    /// <summary>A client signing with the session credentials of an AssumeRole or GetSessionToken answer.</summary>
    public static AwsTestClient For(string baseUrl, SessionCredentials credentials, TimeProvider? clock = null) =>
        new(baseUrl, credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken, clock);

    /// <summary>An STS Query call: <c>POST /</c>, <c>Version=2011-06-15</c>, signed for <c>sts</c>.</summary>
    public Task<SesApiResponse> StsAsync(string action, params (string Name, string Value)[] fields) =>
        SendAsync("sts", HttpMethod.Post, "/", Form([("Action", action), ("Version", "2011-06-15"), .. fields]), "application/x-www-form-urlencoded");

    /// <summary>An SES v1 Query call, signed for <c>ses</c>.</summary>
    public Task<SesApiResponse> SesV1Async(string action, params (string Name, string Value)[] fields) =>
        SendAsync("ses", HttpMethod.Post, "/", Form([("Action", action), ("Version", "2010-12-01"), .. fields]), "application/x-www-form-urlencoded");

    /// <summary>An SES v2 REST-JSON call, signed for <c>ses</c>.</summary>
    public Task<SesApiResponse> SesV2Async(HttpMethod method, string path, string? json = null) =>
        SendAsync("ses", method, path, json is null ? [] : Encoding.UTF8.GetBytes(json), "application/json");

    /// <summary>The credentials of a successful AssumeRole or GetSessionToken answer.</summary>
    public static SessionCredentials Credentials(SesApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.Status == 200, response.Body);
        var c = response.Xml.Descendants(StsNs + "Credentials").Single();
        return new SessionCredentials(c.Element(StsNs + "AccessKeyId")!.Value, c.Element(StsNs + "SecretAccessKey")!.Value,
            c.Element(StsNs + "SessionToken")!.Value, DateTimeOffset.Parse(c.Element(StsNs + "Expiration")!.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The STS error code of an answer (<c>ErrorResponse/Error/Code</c> in STS's namespace).</summary>
    public static string? StsErrorCode(SesApiResponse response) => response?.Xml.Descendants(StsNs + "Code").SingleOrDefault()?.Value;

    private static byte[] Form(IEnumerable<(string Name, string Value)> fields) =>
        Encoding.UTF8.GetBytes(string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Name)}={Uri.EscapeDataString(f.Value)}")));

    private async Task<SesApiResponse> SendAsync(string service, HttpMethod method, string path, byte[] body, string contentType)
    {
        var split = path.Split('?', 2);
        var amzDate = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var hash = SigV4Verifier.Sha256Hex(body);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = _http.BaseAddress!.Authority, ["x-amz-date"] = amzDate, ["x-amz-content-sha256"] = hash,
        };
        if (sessionToken is not null)
        {
            headers["x-amz-security-token"] = sessionToken;
        }

        var signedHeaders = headers.Keys.Order(StringComparer.Ordinal).ToArray();
        var signed = new SignedRequest(method.Method, split[0], split.Length > 1 ? split[1] : "", headers, hash);
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers.Where(h => h.Key != "host"))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Authorization", SigV4Verifier.Sign(signed, accessKeyId, secret, region, service, signedHeaders));
        if (body.Length > 0 || method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        return new SesApiResponse((int)response.StatusCode,
            response.Headers.TryGetValues("x-amzn-ErrorType", out var type) ? type.First() : null,
            response.Headers.TryGetValues("x-amzn-RequestId", out var id) ? id.First() : null,
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public void Dispose() => _http.Dispose();
}
