using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> count only from configured proxies (docs/deployment.md#forwarded-headers),
/// seen through behaviour on a real Kestrel port: owner A (111111111111) lets owner B (222222222222) send as its domain
/// under a condition on <c>aws:SourceIp</c> or <c>aws:SecureTransport</c>, and B sends over plain HTTP from 127.0.0.1.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static readonly Caller OwnerA = new("fwd-a", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
    private static readonly Caller OwnerB = new("fwd-b", "delegate@example.com", "222222222222", null, "arn:aws:iam::222222222222:root", false);

    private const string Domain = "forwarded.example";
    private const string Arn = $"arn:aws:ses:us-east-1:111111111111:identity/{Domain}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string OnlyFromTestNet = """
        [{"Sid":"FromTestNet","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"ses:SendEmail","Resource":"IDENTITY_ARN",
          "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]
        """;

    private const string NotWithoutTls = """
        [{"Sid":"Send","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"ses:SendEmail","Resource":"IDENTITY_ARN"},
         {"Sid":"NoPlain","Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"ses:SendEmail","Resource":"IDENTITY_ARN",
          "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]
        """;

    [Fact]
    public async Task Without_a_trusted_proxy_a_forwarded_address_is_ignored()
    {
        await using var node = await Node.StartAsync(trustedProxy: null, OnlyFromTestNet);

        var forwarded = await node.SendAsB(forwardedFor: "203.0.113.9");

        Assert.Equal(403, forwarded.Status);
        Assert.Equal("AccessDeniedException", forwarded.ErrorType);
        Assert.Equal("127.0.0.1", await node.PolicyPutSourceIpAsync());
    }

    [Fact]
    public async Task From_a_trusted_proxy_the_forwarded_address_is_the_source_ip_in_policies_and_the_audit_log()
    {
        await using var node = await Node.StartAsync(trustedProxy: "127.0.0.1", OnlyFromTestNet, ownerForwardedFor: "203.0.113.77");

        var forwarded = await node.SendAsB(forwardedFor: "203.0.113.9");
        var direct = await node.SendAsB(forwardedFor: null);
        var otherNet = await node.SendAsB(forwardedFor: "198.51.100.7");

        Assert.True(forwarded.Status == 200, forwarded.Body);
        Assert.Equal(403, direct.Status);
        Assert.Equal(403, otherNet.Status);
        Assert.Equal("203.0.113.77", await node.PolicyPutSourceIpAsync());
    }

    [Fact]
    public async Task A_proxy_that_is_not_listed_is_not_believed()
    {
        await using var node = await Node.StartAsync(trustedProxy: "10.0.0.5", OnlyFromTestNet, ownerForwardedFor: "203.0.113.77");

        var forwarded = await node.SendAsB(forwardedFor: "203.0.113.9", forwardedProto: "https");

        Assert.Equal(403, forwarded.Status);
        Assert.Equal("127.0.0.1", await node.PolicyPutSourceIpAsync());
    }

    [Fact]
    public async Task From_a_trusted_proxy_forwarded_https_is_secure_transport()
    {
        await using var node = await Node.StartAsync(trustedProxy: "127.0.0.1", NotWithoutTls);

        var plain = await node.SendAsB(forwardedFor: "203.0.113.9");
        var https = await node.SendAsB(forwardedFor: "203.0.113.9", forwardedProto: "https");

        Assert.Equal(403, plain.Status);
        Assert.Equal("AccessDeniedException", plain.ErrorType);
        Assert.True(https.Status == 200, https.Body);
    }

    [Fact]
    public async Task Without_a_trusted_proxy_forwarded_https_is_not_secure_transport()
    {
        await using var node = await Node.StartAsync(trustedProxy: null, NotWithoutTls);

        var https = await node.SendAsB(forwardedFor: "203.0.113.9", forwardedProto: "https");

        Assert.Equal(403, https.Status);
        Assert.Equal("AccessDeniedException", https.ErrorType);
    }

    [Fact]
    public async Task The_hosting_switch_ForwardedHeaders_Enabled_does_not_make_every_sender_trusted()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true on its own reads the headers from any sender.
        await using var node = await Node.StartAsync(trustedProxy: null, OnlyFromTestNet, hostSetting: ("ForwardedHeaders_Enabled", "true"));
        Assert.Contains(node.Services.GetServices<IStartupFilter>(), f => f.GetType().Name == "ForwardedHeadersStartupFilter");

        var forwarded = await node.SendAsB(forwardedFor: "203.0.113.9");

        Assert.Equal(403, forwarded.Status);
        Assert.Equal("AccessDeniedException", forwarded.ErrorType);
    }

    [Fact]
    public async Task A_malformed_network_stops_the_start_and_names_the_setting()
    {
        await using var factory = new ConsoleAppFactory();
        factory.Settings["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/33";

        var error = Record.Exception(() => factory.Services);

        var failure = Assert.IsType<InvalidOperationException>(error is AggregateException aggregate ? aggregate.InnerException : error);
        Assert.StartsWith("ForwardedHeaders:KnownNetworks: '10.0.0.0/33' is not a network in CIDR notation", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A console on a real port with A's verified domain carrying <paramref name="statements"/>, and A's and B's API clients.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly KestrelConsoleAppFactory _server = new();
        private SesApiTestClient _a = null!;
        private SesApiTestClient _b = null!;

        public IServiceProvider Services => _server.App.Services;

        public static async Task<Node> StartAsync(string? trustedProxy, string statements, string? ownerForwardedFor = null,
            (string Key, string Value)? hostSetting = null)
        {
            var node = new Node();
            if (hostSetting is { } setting)
            {
                node._server.App.Settings[setting.Key] = setting.Value;
            }

            if (trustedProxy is not null)
            {
                node._server.App.Settings["ForwardedHeaders:KnownProxies:0"] = trustedProxy;
            }

            node._server.Start();
            using var scope = node._server.App.Services.CreateScope();
            var keys = scope.ServiceProvider.GetRequiredService<AccessKeysService>();
            var a = (await keys.CreateAsync(OwnerA, null, Ct)).Value!;
            var b = (await keys.CreateAsync(OwnerB, null, Ct)).Value!;
            node._a = new SesApiTestClient(node._server.BaseUrl, a.Id, a.Secret);
            node._b = new SesApiTestClient(node._server.BaseUrl, b.Id, b.Secret);
            if (ownerForwardedFor is not null)
            {
                node._a.UnsignedHeaders.Add("X-Forwarded-For", ownerForwardedFor);
            }

            var now = DateTimeOffset.UtcNow;
            await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
            {
                db.SendingIdentities.Add(new SendingIdentityEntity
                {
                    Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Type = SendingIdentityType.Domain, Name = Domain,
                    VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
                });
                await db.SaveChangesAsync(Ct);
            }

            var policy = $$"""{"Version":"2012-10-17","Statement":{{statements.Replace("IDENTITY_ARN", Arn, StringComparison.Ordinal)}}}""";
            var put = await node._a.V2Async(HttpMethod.Post, $"/v2/email/identities/{Domain}/policies/edge", JsonSerializer.Serialize(new { Policy = policy }));
            Assert.True(put.Status == 200, put.Body);
            return node;
        }

        /// <summary>B's v2 SendEmail as A's domain, over plain HTTP from 127.0.0.1, with the headers a proxy would add.</summary>
        public async Task<SesApiResponse> SendAsB(string? forwardedFor, string? forwardedProto = null)
        {
            _b.UnsignedHeaders.Remove("X-Forwarded-For");
            _b.UnsignedHeaders.Remove("X-Forwarded-Proto");
            if (forwardedFor is not null)
            {
                _b.UnsignedHeaders.Add("X-Forwarded-For", forwardedFor);
            }

            if (forwardedProto is not null)
            {
                _b.UnsignedHeaders.Add("X-Forwarded-Proto", forwardedProto);
            }

            return await _b.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", $$"""
                {"FromEmailAddress":"news@{{Domain}}","FromEmailAddressIdentityArn":"{{Arn}}",
                 "Destination":{"ToAddresses":["success@simulator.amazonses.com"] },
                 "Content":{"Simple":{"Subject":{"Data":"Edge"},"Body":{"Text":{"Data":"Hello"} } } } }
                """);
        }

        /// <summary>The audit log's source address of A's policy change (made through the API).</summary>
        public async Task<string?> PolicyPutSourceIpAsync()
        {
            await using var db = await _server.App.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
            return await db.AuditEntries.Where(e => e.AccountId == "111111111111" && e.Target == Domain && e.Kind == AuditKinds.PolicyPut && e.Via == AuditVia.Api)
                .Select(e => e.SourceIp).SingleAsync(Ct);
        }

        public async ValueTask DisposeAsync()
        {
            _a?.Dispose();
            _b?.Dispose();
            await _server.DisposeAsync();
        }
    }
}
