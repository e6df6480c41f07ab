using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using SesConsole.Domain.Identities;

namespace SesConsole.Web.Features.Identities.Dns;

/// <summary>
/// <see cref="IDnsLookup"/> over DnsClient: no cache (a check must see what is published now), a short timeout with one
/// retry, TCP fallback for truncated answers. NXDOMAIN and NODATA are "not found"; timeouts, SERVFAIL, REFUSED and
/// network errors are "failed", so an outage of the resolver never looks like a removed record.
/// </summary>
internal sealed class DnsClientLookup : IDnsLookup
{
    private readonly LookupClient _client;
    private readonly ILogger<DnsClientLookup> _logger;

    public DnsClientLookup(DnsOptions options, ILogger<DnsClientLookup> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var servers = options.ServerEndPoints();
        var clientOptions = servers.Count > 0
            ? new LookupClientOptions(servers.Select(s => new NameServer(s)).ToArray())
            : new LookupClientOptions();
        clientOptions.UseCache = false;
        clientOptions.Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        clientOptions.Retries = options.Retries;
        clientOptions.UseTcpFallback = true;
        clientOptions.ThrowDnsErrors = false;
        _client = new LookupClient(clientOptions);
        _logger = logger;
    }

    public Task<DnsLookupResult<string>> TxtAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(name, QueryType.TXT, r => r.Answers.TxtRecords().Select(t => string.Concat(t.Text)).ToList(), cancellationToken);

    public Task<DnsLookupResult<string>> CnameAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(name, QueryType.CNAME, r => r.Answers.CnameRecords().Select(c => c.CanonicalName.Value.TrimEnd('.')).ToList(), cancellationToken);

    public Task<DnsLookupResult<Domain.Identities.MxRecord>> MxAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(name, QueryType.MX,
            r => r.Answers.MxRecords().Select(m => new Domain.Identities.MxRecord(m.Preference, m.Exchange.Value.TrimEnd('.'))).ToList(),
            cancellationToken);

    private async Task<DnsLookupResult<T>> QueryAsync<T>(string name, QueryType type, Func<IDnsQueryResponse, IReadOnlyList<T>> read, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException ex)
        {
            _logger.LogWarning("DNS {Type} lookup of {Name} failed: {Code} {Message}", type, name, ex.Code, ex.Message);
            return DnsLookupResult<T>.Failed($"{ex.Code}: {ex.DnsError}");
        }
        catch (SocketException ex)
        {
            _logger.LogWarning("DNS {Type} lookup of {Name} failed: {Message}", type, name, ex.Message);
            return DnsLookupResult<T>.Failed(ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DnsLookupResult<T>.Failed("timed out");
        }

        switch (response.Header.ResponseCode)
        {
            case DnsHeaderResponseCode.NoError:
                var records = read(response);
                return records.Count > 0 ? DnsLookupResult<T>.Found(records) : DnsLookupResult<T>.NotFound($"no {type} record at {name}");
            case DnsHeaderResponseCode.NotExistentDomain:
                return DnsLookupResult<T>.NotFound($"{name} does not exist (NXDOMAIN)");
            default:
                _logger.LogWarning("DNS {Type} lookup of {Name} failed: {Code}", type, name, response.Header.ResponseCode);
                return DnsLookupResult<T>.Failed($"the server answered {response.Header.ResponseCode}");
        }
    }
}
