using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;

namespace SesConsole.Web.Notifications.Delivery;

/// <summary>What one try of one delivery came to.</summary>
/// <param name="Succeeded">The endpoint answered 2xx (or the mail transport took the mail).</param>
/// <param name="Refused">Not sent at all: the endpoint is on a network the console does not call; not retried.</param>
/// <param name="StatusCode">The HTTP status, when the endpoint answered.</param>
/// <param name="Detail">The start of the answer, or the error.</param>
public sealed record SnsAttemptResult(bool Succeeded, bool Refused, int? StatusCode, string? Detail)
{
    public const int MaxDetail = 1000;

    public static SnsAttemptResult Failed(string detail, int? status = null) => new(false, false, status, Clip(detail));

    public static string Clip(string text) => text.Length <= MaxDetail ? text : text[..MaxDetail];
}

/// <summary>One HTTP/S request to a subscriber.</summary>
public sealed record SnsHttpRequest(Uri Endpoint, byte[] Body, string ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// POSTs SNS messages to HTTP/S subscribers (docs/notifications.md#subscriber-networks). The endpoint's host is resolved
/// at every delivery through <see cref="SubscriberNetworkGuard"/>, and the connection goes only to the addresses it
/// allowed (the handler's connect callback never resolves names itself), so a name that starts resolving to a private
/// address is refused; redirects are not followed (a 3xx is a failed try). HTTPS subscribers are trusted through the
/// system store plus the optional <c>Notifications:TrustedCaPath</c> bundle (docs/notifications.md#https). Each try
/// has its own <c>Notifications:DeliveryTimeout</c>, so a subscriber that hangs holds one delivery slot for that long at most.
/// </summary>
public sealed class SnsHttpSender : IDisposable
{
    private static readonly HttpRequestOptionsKey<IPAddress[]> AddressesKey = new("SesConsole.Sns.Addresses");

    private readonly SubscriberNetworkGuard _guard;
    private readonly NotificationsOptions _options;
    private readonly TimeProvider _time;
    private readonly X509Certificate2Collection _extraRoots;
    private readonly HttpClient _client;

    public SnsHttpSender(SubscriberNetworkGuard guard, IOptions<NotificationsOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _guard = guard;
        _options = options.Value;
        _time = time;
        _extraRoots = [];
        if (_options.TrustedCaPath is { } path)
        {
            _extraRoots.ImportFromPemFile(path);
        }

        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = _options.DeliveryTimeout,
            ConnectCallback = ConnectAsync,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = ValidateCertificate },
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Posts <paramref name="request"/>; never throws but for <paramref name="ct"/> (the console stopping).</summary>
    public async Task<SnsAttemptResult> PostAsync(SnsHttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (addresses, refusal) = await _guard.ResolveAsync(request.Endpoint.IdnHost, ct);
        if (refusal is not null)
        {
            return new SnsAttemptResult(false, true, null, SnsAttemptResult.Clip(refusal));
        }

        using var timeout = new CancellationTokenSource(_options.DeliveryTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Endpoint) { Version = HttpVersion.Version11 };
        message.Options.Set(AddressesKey, addresses);
        message.Content = new ByteArrayContent(request.Body);
        message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        message.Headers.TryAddWithoutValidation("User-Agent", "Amazon Simple Notification Service Agent");
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            var body = await ReadStartAsync(response, linked.Token);
            var detail = response.Headers.Location is { } location ? $"Redirect to {location} not followed. {body}" : body;
            return response.IsSuccessStatusCode
                ? new SnsAttemptResult(true, false, status, SnsAttemptResult.Clip(body))
                : SnsAttemptResult.Failed($"HTTP {status}. {detail}".TrimEnd(), status);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return SnsAttemptResult.Failed($"No answer within {_options.DeliveryTimeout.TotalSeconds:0.###} s (Notifications:DeliveryTimeout).");
        }
        catch (HttpRequestException e)
        {
            return SnsAttemptResult.Failed(Describe(e));
        }
    }

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[SnsAttemptResult.MaxDetail];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            parts.Add(x.Message);
        }

        return string.Join(" ", parts.Distinct());
    }

    /// <summary>Connects to the addresses this delivery's guard check allowed, in order, never resolving the name again.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(AddressesKey, out var addresses) || addresses.Length == 0)
        {
            var (resolved, refusal) = await _guard.ResolveAsync(context.DnsEndPoint.Host, ct);
            addresses = refusal is null ? resolved : throw new HttpRequestException(refusal);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException($"Could not connect to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} ({last?.SocketErrorCode}).", last);
    }

    /// <summary>
    /// The system's verdict, or else, when only the chain failed and a <c>Notifications:TrustedCaPath</c> bundle is set,
    /// whether the chain ends at one of its roots.
    /// </summary>
    private bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || _extraRoots.Count == 0 || certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }

    public void Dispose()
    {
        _client.Dispose();
        foreach (var root in _extraRoots)
        {
            root.Dispose();
        }
    }
}
