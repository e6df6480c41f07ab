using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using SesConsole.Domain.Authentication;

namespace SesConsole.Web.Tests.Shared;

/// <summary>An SES API response as the tests read it: status, the AWS headers, and the body as text.</summary>
public sealed record SesApiResponse(int Status, string? ErrorType, string? RequestId, string Body)
{
    /// <summary>The response's Content-Type media type.</summary>
    public string? ContentType { get; init; }

    public JsonElement Json => JsonDocument.Parse(Body.Length == 0 ? "{}" : Body).RootElement;

    public XElement Xml => XDocument.Parse(Body).Root!;

    /// <summary>The v1 error code (<c>ErrorResponse/Error/Code</c>).</summary>
    public string? V1Code => Xml.Descendants(SesApiTestClient.Ns + "Code").FirstOrDefault()?.Value;
}

/// <summary>
/// A plain HttpClient that signs each request with SigV4 (service <c>ses</c> unless told otherwise) as the AWS SDKs do, for
/// contract tests of the API on a real Kestrel port: <see cref="V2Async"/> for the REST-JSON API, <see cref="V1Async"/>
/// for the Query API, <see cref="SendAsync(string, HttpMethod, string, byte[], string)"/> for any signing service. With a
/// session token it signs <c>X-Amz-Security-Token</c> as the SDKs do for temporary credentials; a clock sets the date.
/// </summary>
public sealed class SesApiTestClient(string baseUrl, string accessKeyId, string secret, string region = "us-east-1", string service = "ses",
    string? sessionToken = null, TimeProvider? clock = null) : IDisposable
{
    public static readonly XNamespace Ns = "http://ses.amazonaws.com/doc/2010-12-01/";

    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl) };

    /// <summary>Headers sent with every request but not signed, as a reverse proxy adds them (<c>X-Forwarded-For</c>).</summary>
    public HttpRequestHeaders UnsignedHeaders => _http.DefaultRequestHeaders;

    /// <summary>A v2 call; <paramref name="path"/> is sent as given (escape identity names with <see cref="Uri.EscapeDataString(string)"/>).</summary>
    public Task<SesApiResponse> V2Async(HttpMethod method, string path, string? json = null) =>
        SendAsync(service, method, path, json is null ? [] : Encoding.UTF8.GetBytes(json), "application/json");

    /// <summary>A v1 call with a raw MIME message for <c>SendRawEmail</c> (base64 as the SDKs send the blob).</summary>
    public Task<SesApiResponse> V1RawAsync(string mime, params (string Name, string Value)[] fields) =>
        V1Async([("Action", "SendRawEmail"), ("RawMessage.Data", Convert.ToBase64String(Encoding.UTF8.GetBytes(mime))), .. fields]);

    public Task<SesApiResponse> V1Async(params (string Name, string Value)[] fields) =>
        SendAsync(service, HttpMethod.Post, "/", Form([("Version", "2010-12-01"), .. fields]), "application/x-www-form-urlencoded");

    /// <summary>A form body as the Query APIs take it.</summary>
    public static byte[] Form(IEnumerable<(string Name, string Value)> fields) =>
        Encoding.UTF8.GetBytes(string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Name)}={Uri.EscapeDataString(f.Value)}")));

    /// <summary>One request signed for <paramref name="signingService"/>.</summary>
    public async Task<SesApiResponse> SendAsync(string signingService, HttpMethod method, string path, byte[] body, string contentType)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(body);
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

        request.Headers.TryAddWithoutValidation("Authorization", SigV4Verifier.Sign(signed, accessKeyId, secret, region, signingService, signedHeaders));
        if (body.Length > 0 || method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        return new SesApiResponse((int)response.StatusCode,
            response.Headers.TryGetValues("x-amzn-ErrorType", out var type) ? type.First() : null,
            response.Headers.TryGetValues("x-amzn-RequestId", out var id) ? id.First() : null,
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
        {
            ContentType = response.Content.Headers.ContentType?.MediaType,
        };
    }

    public void Dispose() => _http.Dispose();
}
