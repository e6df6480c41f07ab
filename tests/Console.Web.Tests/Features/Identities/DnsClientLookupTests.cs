using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Identities.Dns;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Identities;

public sealed class DnsClientLookupTests : IDisposable
{
    private readonly TestDnsServer _server = TestDnsServer.Start();

    public void Dispose() => _server.Dispose();

    internal static DnsClientLookup LookupAt(string endpoint) =>
        new(new DnsOptions { Servers = [endpoint], TimeoutSeconds = 1, Retries = 1 }, NullLogger<DnsClientLookup>.Instance);

    [Fact]
    public async Task TxtAsync_published_record_is_found_with_its_value()
    {
        _server.Set("_amazonses.example.com", "TXT", "token-123");

        var result = await LookupAt(_server.Endpoint).TxtAsync("_amazonses.example.com", TestContext.Current.CancellationToken);

        Assert.Equal(DnsLookupOutcome.Found, result.Outcome);
        Assert.Equal(["token-123"], result.Records);
    }

    [Fact]
    public async Task TxtAsync_value_longer_than_255_bytes_comes_back_joined()
    {
        var key = DkimKeyGenerator.Generate(2048).GetValueOrThrow();
        _server.Set("sel._domainkey.example.com", "TXT", key.TxtValue);

        var result = await LookupAt(_server.Endpoint).TxtAsync("sel._domainkey.example.com", TestContext.Current.CancellationToken);

        Assert.Equal(DnsLookupOutcome.Found, result.Outcome);
        Assert.Equal(key.TxtValue, Assert.Single(result.Records));
    }

    [Fact]
    public async Task CnameAsync_published_record_gives_the_target_without_trailing_dot()
    {
        _server.Set("sel._domainkey.example.com", "CNAME", "sel.dkim.sesconsole.example");

        var result = await LookupAt(_server.Endpoint).CnameAsync("sel._domainkey.example.com", TestContext.Current.CancellationToken);

        Assert.Equal(DnsLookupOutcome.Found, result.Outcome);
        Assert.Equal(["sel.dkim.sesconsole.example"], result.Records);
    }

    [Fact]
    public async Task MxAsync_published_records_give_preference_and_exchange()
    {
        _server.Set("mail.example.com", "MX", "10 feedback-smtp.us-east-1.amazonses.com", "20 backup.example.net");

        var result = await LookupAt(_server.Endpoint).MxAsync("mail.example.com", TestContext.Current.CancellationToken);

        Assert.Equal(DnsLookupOutcome.Found, result.Outcome);
        Assert.Equal(
            [new MxRecord(10, "feedback-smtp.us-east-1.amazonses.com"), new MxRecord(20, "backup.example.net")],
            result.Records.OrderBy(r => r.Preference));
    }

    [Fact]
    public async Task TxtAsync_unknown_name_is_not_found()
    {
        var result = await LookupAt(_server.Endpoint).TxtAsync("nothing.example.com", TestContext.Current.CancellationToken);

        Assert.Equal(DnsLookupOutcome.NotFound, result.Outcome);
        Assert.Contains("NXDOMAIN", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TxtAsync_name_with_other_types_only_is_not_found()
    {
        _server.Set("mail.example.com", "MX", "10 mx.example.com");

        var result = await LookupAt(_server.Endpoint).TxtAsync("mail.example.com", TestContext.Current.CancellationToken);

        Assert.Equal(DnsLookupOutcome.NotFound, result.Outcome);
        Assert.Empty(result.Records);
    }

    [Fact]
    public async Task TxtAsync_server_failure_is_a_failed_lookup()
    {
        _server.Set("_amazonses.example.com", "TXT", "token");
        _server.FailAll = true;

        var result = await LookupAt(_server.Endpoint).TxtAsync("_amazonses.example.com", TestContext.Current.CancellationToken);

        Assert.Equal(DnsLookupOutcome.Failed, result.Outcome);
    }

    [Fact]
    public async Task TxtAsync_closed_port_is_a_failed_lookup()
    {
        var lookup = LookupAt($"127.0.0.1:{TestDnsServer.UnusedPort()}");

        var result = await lookup.TxtAsync("_amazonses.example.com", TestContext.Current.CancellationToken);

        Assert.Equal(DnsLookupOutcome.Failed, result.Outcome);
        Assert.NotNull(result.Detail);
    }

    [Fact]
    public async Task Removed_record_is_not_found_on_the_next_query_because_nothing_is_cached()
    {
        var lookup = LookupAt(_server.Endpoint);
        _server.Set("_amazonses.example.com", "TXT", "token");
        Assert.Equal(DnsLookupOutcome.Found, (await lookup.TxtAsync("_amazonses.example.com", TestContext.Current.CancellationToken)).Outcome);

        _server.Remove("_amazonses.example.com");

        Assert.Equal(DnsLookupOutcome.NotFound, (await lookup.TxtAsync("_amazonses.example.com", TestContext.Current.CancellationToken)).Outcome);
    }

    [Fact]
    public void ParseServer_accepts_ip_port_and_bare_ip()
    {
        Assert.Equal(5353, DnsOptions.ParseServer("127.0.0.1:5353").Port);
        Assert.Equal(53, DnsOptions.ParseServer("127.0.0.1").Port);
        Assert.Equal(5353, DnsOptions.ParseServer("[::1]:5353").Port);
    }

    [Fact]
    public async Task AddConsoleDns_wires_the_checker_to_the_configured_server()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Dns:Servers:0"] = _server.Endpoint,
                ["Dns:DkimZone"] = "dkim.sesconsole.example",
            })
            .Build();
        await using var provider = new ServiceCollection().AddLogging().AddConsoleDns(configuration).BuildServiceProvider();
        _server.Set("_amazonses.example.com", "TXT", "tok");
        var now = DateTimeOffset.UnixEpoch;

        var result = await provider.GetRequiredService<DomainChecker>().CheckAsync(
            new DomainIdentitySnapshot { Domain = "example.com", Region = "us-east-1", VerificationToken = "tok", Verification = VerificationState.Pending(now) },
            now,
            TestContext.Current.CancellationToken);

        Assert.Equal(VerificationStatus.Success, result.Verification.Status);
        Assert.Equal("dkim.sesconsole.example", provider.GetRequiredService<DnsRecordOptions>().DkimZone);
    }
}
