using System.Text;
using System.Xml.Linq;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sts;

/// <summary>Temporary credentials as the tests read them from an AssumeRole or GetSessionToken answer.</summary>
public sealed record SessionCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration);

/// <summary>
/// STS and SES calls signed with one set of credentials, optionally temporary (<c>X-Amz-Security-Token</c>) and with a
/// clock for the signature date; the signing itself is <see cref="SesApiTestClient"/>'s.
/// </summary>
public sealed class AwsTestClient(string baseUrl, string accessKeyId, string secret, string? sessionToken = null, TimeProvider? clock = null, string region = "us-east-1")
    : IDisposable
{
    public static readonly XNamespace StsNs = "https://sts.amazonaws.com/doc/2011-06-15/";

    private readonly SesApiTestClient _client = new(baseUrl, accessKeyId, secret, region, sessionToken: sessionToken, clock: clock);

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

    private static byte[] Form(IEnumerable<(string Name, string Value)> fields) => SesApiTestClient.Form(fields);

    private Task<SesApiResponse> SendAsync(string service, HttpMethod method, string path, byte[] body, string contentType) =>
        _client.SendAsync(service, method, path, body, contentType);

    public void Dispose() => _client.Dispose();
}
