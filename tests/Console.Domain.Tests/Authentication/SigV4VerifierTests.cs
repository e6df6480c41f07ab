using System.Text;
using System.Text.Json;
using SesConsole.Domain.Authentication;

namespace SesConsole.Domain.Tests.Authentication;

/// <summary>
/// Verifies requests captured from the real AWS SDKs for JavaScript v3 (@aws-sdk/client-sesv2 and client-ses), signed
/// with AWS's documented example key pair AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY.
/// </summary>
public sealed class SigV4VerifierTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    public static TheoryData<string> Captures => ["01-v2-success", "02-v2-raw-success", "13-v1-success", "15-v1-raw-success"];

    [Theory]
    [MemberData(nameof(Captures))]
    public void Verify_request_signed_by_the_AWS_SDK_is_accepted(string capture)
    {
        var (request, signedAt) = Load(capture);

        var result = SigV4Verifier.Verify(request, Secret, signedAt.AddMinutes(3));

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal("AKIDEXAMPLE", result.Value!.AccessKeyId);
        Assert.Equal("us-east-1", result.Value.Region);
        Assert.Equal("ses", result.Value.Service);
    }

    [Fact]
    public void Verify_wrong_secret_is_SignatureDoesNotMatch()
    {
        var (request, signedAt) = Load("01-v2-success");

        var result = SigV4Verifier.Verify(request, Secret.Replace('w', 'W'), signedAt);

        Assert.Equal("SignatureDoesNotMatch", result.Error?.Code);
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_with_a_cached_signing_key_still_tells_the_right_secret_from_a_wrong_one()
    {
        var (request, signedAt) = Load("01-v2-success");

        var first = SigV4Verifier.Verify(request, Secret, signedAt);
        var wrong = SigV4Verifier.Verify(request, Secret.Replace('K', 'k'), signedAt); // same scope, another secret: its own key
        var again = SigV4Verifier.Verify(request, Secret, signedAt); // the key derived for the first call

        Assert.True(first.IsSuccess && again.IsSuccess, first.Error?.Message ?? again.Error?.Message);
        Assert.Equal("SignatureDoesNotMatch", wrong.Error?.Code);
    }

    [Fact]
    public void Verify_tampered_body_is_refused()
    {
        var (request, signedAt) = Load("13-v1-success");
        var tampered = request with { BodySha256Hex = SigV4Verifier.Sha256Hex("Action=SendEmail&Source=evil%40example.com"u8) };

        var result = SigV4Verifier.Verify(tampered, Secret, signedAt);

        Assert.Equal("SignatureDoesNotMatch", result.Error?.Code);
    }

    [Fact]
    public void Verify_tampered_signed_header_is_refused()
    {
        var (request, signedAt) = Load("01-v2-success");
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value);
        headers["host"] = "evil.example";

        var result = SigV4Verifier.Verify(request with { Headers = headers }, Secret, signedAt);

        Assert.Equal("SignatureDoesNotMatch", result.Error?.Code);
    }

    [Theory]
    [InlineData(-16)]
    [InlineData(16)]
    public void Verify_more_than_15_minutes_off_is_RequestExpired(int minutes)
    {
        var (request, signedAt) = Load("01-v2-success");

        var result = SigV4Verifier.Verify(request, Secret, signedAt.AddMinutes(minutes));

        Assert.Equal("RequestExpired", result.Error?.Code);
    }

    [Theory]
    [InlineData(null, "MissingAuthenticationToken")]
    [InlineData("Basic dXNlcjpwYXNz", "IncompleteSignature")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/ses/aws4_request", "IncompleteSignature")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/us-east-1, SignedHeaders=host, Signature=00", "IncompleteSignature")]
    public void ParseAuthorization_bad_header_gives_the_AWS_error_code(string? authorization, string code)
    {
        var headers = new Dictionary<string, string>();
        if (authorization is not null)
        {
            headers["Authorization"] = authorization;
        }

        Assert.Equal(code, SigV4Verifier.ParseAuthorization(headers).Error?.Code);
    }

    [Fact]
    public void Sign_then_Verify_round_trips_with_a_query_string_and_an_encoded_path()
    {
        var headers = new Dictionary<string, string> { ["host"] = "127.0.0.1:5080", ["x-amz-date"] = "20261128T120000Z" };
        var request = new SignedRequest("GET", "/v2/email/identities/user%40example.com", "PageSize=10&NextToken=a%2Bb", headers, SigV4Verifier.Sha256Hex([]));
        headers["authorization"] = SigV4Verifier.Sign(request, "AKIAEXAMPLE", "secret-1", "eu-west-1", "ses", ["host", "x-amz-date"]);

        var ok = SigV4Verifier.Verify(request, "secret-1", new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var otherQuery = SigV4Verifier.Verify(request with { Query = "PageSize=11&NextToken=a%2Bb" }, "secret-1", new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

        Assert.True(ok.IsSuccess, ok.Error?.Message);
        Assert.Equal("eu-west-1", ok.Value!.Region);
        Assert.Equal("SignatureDoesNotMatch", otherQuery.Error?.Code);
    }

    private static (SignedRequest Request, DateTimeOffset SignedAt) Load(string capture)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Authentication", "Captures", capture + ".json")));
        var request = doc.RootElement.GetProperty("request");
        var headers = request.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var path = request.GetProperty("path").GetString()!;
        var query = path.Contains('?', StringComparison.Ordinal) ? path[(path.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        var body = request.GetProperty("body").GetString()!;
        var signedAt = DateTimeOffset.ParseExact(headers["x-amz-date"], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);
        return (new SignedRequest(request.GetProperty("method").GetString()!, path.Split('?')[0], query, headers, SigV4Verifier.Sha256Hex(Encoding.UTF8.GetBytes(body))), signedAt);
    }
}
