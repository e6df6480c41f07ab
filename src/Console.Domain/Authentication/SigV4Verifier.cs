using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Authentication;

/// <summary>An HTTP request as SigV4 sees it. Header names are case-insensitive; the body is given by its SHA-256 (hex).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path exactly as it arrived (still percent-encoded).</param>
/// <param name="Query">The query string without '?', exactly as it arrived.</param>
/// <param name="Headers">The request headers.</param>
/// <param name="BodySha256Hex">Lower-case hex SHA-256 of the body.</param>
public sealed record SignedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string BodySha256Hex);

/// <summary>Who signed a request: the access key and the credential scope it claimed.</summary>
public sealed record SigV4Credential(string AccessKeyId, string Date, string Region, string Service);

/// <summary>
/// Verifies AWS Signature Version 4 (<c>AWS4-HMAC-SHA256</c> in the <c>Authorization</c> header), as the AWS SDKs sign
/// SES calls: signing name <c>ses</c> for both APIs, any region string. Errors use the AWS error codes and messages
/// (<c>MissingAuthenticationToken</c>, <c>IncompleteSignature</c>, <c>InvalidClientTokenId</c>,
/// <c>SignatureDoesNotMatch</c>, <c>RequestExpired</c>). Time comes from the caller; the verifier reads no clock.
/// </summary>
public static class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>How far the request time may be from ours (AWS: 15 minutes).</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>Reads the credential (access key ID and scope) without checking the signature.</summary>
    public static Result<(SigV4Credential Credential, string[] SignedHeaders, string Signature)> ParseAuthorization(IReadOnlyDictionary<string, string> headers)
    {
        if (!TryGet(headers, "authorization", out var authorization) || string.IsNullOrWhiteSpace(authorization))
        {
            return Fail("MissingAuthenticationToken", "Request is missing Authentication Token");
        }

        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return Fail("IncompleteSignature", $"Unsupported authorization type; the request must be signed with {Algorithm}.");
        }

        string? credential = null, signature = null;
        string[]? signedHeaders = null;
        var parameters = authorization.AsSpan(Algorithm.Length + 1);
        foreach (var range in parameters.Split(','))
        {
            var part = parameters[range].Trim();
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var key = part[..eq];
            var value = part[(eq + 1)..];
            if (key.SequenceEqual("Credential"))
            {
                credential = value.ToString();
            }
            else if (key.SequenceEqual("SignedHeaders"))
            {
                signedHeaders = SignedHeaderList(value);
            }
            else if (key.SequenceEqual("Signature"))
            {
                signature = value.ToString();
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            return Fail("IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request" || scope[0].Length == 0)
        {
            return Fail("IncompleteSignature", $"Credential should be scoped to a valid region and service: '{credential}'.");
        }

        return (new SigV4Credential(scope[0], scope[1], scope[2], scope[3]), signedHeaders, signature);
    }

    /// <summary>
    /// The signed header names of <paramref name="value"/> (<c>a;b;c</c>). A client sends the same list on every request, so
    /// the lists seen are kept (at most <see cref="MaxCachedKeys"/>) and shared: callers must not change the array.
    /// </summary>
    private static string[] SignedHeaderList(ReadOnlySpan<char> value)
    {
        var lookup = SignedHeaderLists.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(value, out var known))
        {
            return known;
        }

        var text = value.ToString();
        var list = text.Split(';');
        if (SignedHeaderLists.Count < MaxCachedKeys)
        {
            SignedHeaderLists.TryAdd(text, list);
        }

        return list;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> SignedHeaderLists = new(StringComparer.Ordinal);

    /// <summary>Checks the signature of <paramref name="request"/> with <paramref name="secretAccessKey"/> at <paramref name="now"/>.</summary>
    public static Result<SigV4Credential> Verify(SignedRequest request, string secretAccessKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parsed = ParseAuthorization(request.Headers);
        return parsed.IsSuccess ? Verify(request, parsed.Value, secretAccessKey, now) : parsed.Error;
    }

    /// <summary><see cref="Verify(SignedRequest, string, DateTimeOffset)"/> for a caller that already parsed the Authorization header (to find the key).</summary>
    public static Result<SigV4Credential> Verify(SignedRequest request, (SigV4Credential Credential, string[] SignedHeaders, string Signature) authorization, string secretAccessKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (credential, signedHeaders, signature) = authorization;
        if (!TryGet(request.Headers, "x-amz-date", out var amzDate)
            || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return Result<SigV4Credential>.Failure("IncompleteSignature", "The request must contain a valid X-Amz-Date header (yyyyMMddTHHmmssZ).");
        }

        if ((now - signedAt).Duration() > MaxSkew)
        {
            return Result<SigV4Credential>.Failure("RequestExpired",
                $"Signature expired: {amzDate} is now earlier than {(now - MaxSkew).UtcDateTime:yyyyMMdd'T'HHmmss'Z'} ({now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'} - 15 min.)");
        }

        if (credential.Date != amzDate[..8])
        {
            return Result<SigV4Credential>.Failure("SignatureDoesNotMatch", $"Credential should be scoped to a valid date: the scope date {credential.Date} is not the date of X-Amz-Date {amzDate}.");
        }

        if (!signedHeaders.Contains("host", StringComparer.Ordinal))
        {
            return Result<SigV4Credential>.Failure("IncompleteSignature", "'Host' must be a signed header.");
        }

        if (TryGet(request.Headers, "x-amz-content-sha256", out var claimed) && claimed != "UNSIGNED-PAYLOAD"
            && !string.Equals(claimed, request.BodySha256Hex, StringComparison.OrdinalIgnoreCase))
        {
            return Result<SigV4Credential>.Failure("SignatureDoesNotMatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var payloadHash = claimed ?? request.BodySha256Hex;
        var signingKey = SigningKey(secretAccessKey, credential.Date, credential.Region, credential.Service);

        // The signature as bytes (hex in either case); one that is not 64 hex digits cannot match.
        Span<byte> given = stackalloc byte[32];
        var wellFormed = signature.Length == 64 && Convert.FromHexString(signature, given, out _, out var written) == System.Buffers.OperationStatus.Done && written == 32;

        // AWS services other than S3 encode each path segment once more for the canonical URI; accept that form and the
        // plain one, so both SDK styles verify (one try when encoding changes nothing, the usual path).
        var encoded = EncodePath(request.Path);
        if (wellFormed && (Matches(request, encoded, signedHeaders, payloadHash, amzDate, credential, signingKey, given)
                || (!ReferenceEquals(encoded, request.Path) && Matches(request, request.Path, signedHeaders, payloadHash, amzDate, credential, signingKey, given))))
        {
            return credential;
        }

        return Result<SigV4Credential>.Failure("SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    /// <summary>Signs a request (for tests and for clients written here): returns the Authorization header value.</summary>
    public static string Sign(SignedRequest request, string accessKeyId, string secretAccessKey, string region, string service, string[] signedHeaders)
    {
        ArgumentNullException.ThrowIfNull(request);
        var amzDate = request.Headers.First(h => string.Equals(h.Key, "x-amz-date", StringComparison.OrdinalIgnoreCase)).Value;
        var date = amzDate[..8];
        var canonical = CanonicalRequest(request, EncodePath(request.Path), signedHeaders, request.BodySha256Hex);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var signature = Hex(HMACSHA256.HashData(SigningKey(secretAccessKey, date, region, service), Encoding.UTF8.GetBytes(stringToSign)));
        return $"{Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={string.Join(';', signedHeaders)}, Signature={signature}";
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Hex(SHA256.HashData(data));

    /// <summary>
    /// Whether the signature over <paramref name="path"/> is <paramref name="given"/>: the canonical request and the string
    /// to sign are written into one per-thread builder and hashed from a pooled buffer, so a verification allocates no
    /// strings (docs/send-performance.md#garbage-per-message).
    /// </summary>
    private static bool Matches(SignedRequest request, string path, string[] signedHeaders, string payloadHash, string amzDate, SigV4Credential credential,
        byte[] signingKey, ReadOnlySpan<byte> given)
    {
        var builder = _threadBuilder ??= new StringBuilder(1024);
        builder.Clear();
        AppendCanonicalRequest(builder, request, path, signedHeaders, payloadHash);
        Span<byte> hash = stackalloc byte[32];
        HashUtf8(builder, hash, hmacKey: null);

        builder.Clear();
        builder.Append(Algorithm).Append('\n').Append(amzDate).Append('\n')
            .Append(credential.Date).Append('/').Append(credential.Region).Append('/').Append(credential.Service).Append("/aws4_request\n");
        Span<char> hex = stackalloc char[64];
        Convert.TryToHexStringLower(hash, hex, out _);
        builder.Append(hex);
        Span<byte> expected = stackalloc byte[32];
        HashUtf8(builder, expected, signingKey);
        var equal = CryptographicOperations.FixedTimeEquals(expected, given);
        if (builder.Capacity > 64 * 1024)
        {
            _threadBuilder = null; // one huge request does not pin its buffer to the thread
        }

        return equal;
    }

    [ThreadStatic]
    private static StringBuilder? _threadBuilder;

    /// <summary>SHA-256 (or, with <paramref name="hmacKey"/>, HMAC-SHA256) of the builder's text in UTF-8.</summary>
    private static void HashUtf8(StringBuilder builder, Span<byte> destination, byte[]? hmacKey)
    {
        var length = 0;
        foreach (var chunk in builder.GetChunks())
        {
            length += Encoding.UTF8.GetByteCount(chunk.Span);
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var at = 0;
            foreach (var chunk in builder.GetChunks())
            {
                at += Encoding.UTF8.GetBytes(chunk.Span, buffer.AsSpan(at));
            }

            if (hmacKey is null)
            {
                SHA256.HashData(buffer.AsSpan(0, at), destination);
            }
            else
            {
                HMACSHA256.HashData(hmacKey, buffer.AsSpan(0, at), destination);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string CanonicalRequest(SignedRequest request, string canonicalPath, IEnumerable<string> signedHeaders, string payloadHash)
    {
        var builder = new StringBuilder();
        AppendCanonicalRequest(builder, request, canonicalPath, signedHeaders, payloadHash);
        return builder.ToString();
    }

    private static void AppendCanonicalRequest(StringBuilder builder, SignedRequest request, string canonicalPath, IEnumerable<string> signedHeaders, string payloadHash)
    {
        builder.Append(request.Method is "POST" or "GET" ? request.Method : request.Method.ToUpperInvariant()).Append('\n');
        builder.Append(canonicalPath.Length == 0 ? "/" : canonicalPath).Append('\n');
        builder.Append(CanonicalQuery(request.Query)).Append('\n');
        foreach (var name in signedHeaders)
        {
            TryGet(request.Headers, name, out var value);
            builder.Append(name).Append(':').Append(CollapseSpaces(value ?? "")).Append('\n');
        }

        builder.Append('\n').AppendJoin(';', signedHeaders).Append('\n').Append(payloadHash);
    }

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return "";
        }

        return string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
                return (Key: Encode(key), Value: Encode(value));
            })
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>Each path segment encoded; the path itself (the same instance) when nothing in it needs encoding.</summary>
    private static string EncodePath(string path) =>
        path.AsSpan().ContainsAnyExcept(UnreservedOrSlash) ? string.Join('/', path.Split('/').Select(Encode)) : path;

    private static readonly System.Buffers.SearchValues<char> UnreservedOrSlash =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~/");

    /// <summary>RFC 3986 encoding as SigV4 requires: unreserved characters stay, everything else is %XX (upper-case).</summary>
    private static string Encode(string value)
    {
        if (!value.AsSpan().ContainsAnyExcept(Unreserved))
        {
            return value; // nothing to encode (the usual path segment)
        }

        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Unreserved =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~");

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal) && value.Length > 0 && !char.IsWhiteSpace(value[0]) && !char.IsWhiteSpace(value[^1]))
        {
            return value; // already canonical (the usual header value)
        }

        var trimmed = value.Trim();
        var builder = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (c == ' ')
            {
                if (!space)
                {
                    builder.Append(c);
                }

                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Derived signing keys by secret and scope: a key is valid for a whole day, region and service, and deriving it costs
    /// four HMACs per request (docs/send-performance.md#where-the-time-went). Bounded: emptied when it holds
    /// <see cref="MaxCachedKeys"/>; it holds nothing that the caller's key store does not already hold in the clear.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> SigningKeys = new();

    private const int MaxCachedKeys = 4096;

    private static byte[] SigningKey(string secret, string date, string region, string service)
    {
        if (SigningKeys.TryGetValue((secret, date, region, service), out var cached))
        {
            return cached;
        }

        if (SigningKeys.Count >= MaxCachedKeys)
        {
            SigningKeys.Clear();
        }

        var key = DeriveSigningKey(secret, date, region, service);
        SigningKeys[(secret, date, region, service)] = key;
        return key;
    }

    private static byte[] DeriveSigningKey(string secret, string date, string region, string service)
    {
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(kService, "aws4_request"u8.ToArray());
    }

    private static bool TryGet(IReadOnlyDictionary<string, string> headers, string name, out string? value)
    {
        if (headers.TryGetValue(name, out value))
        {
            return true; // the exact name, or any case with a case-insensitive dictionary (the API's)
        }

        foreach (var (key, v) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = null;
        return false;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static Result<(SigV4Credential, string[], string)> Fail(string code, string message) =>
        Result<(SigV4Credential, string[], string)>.Failure(code, message);
}
