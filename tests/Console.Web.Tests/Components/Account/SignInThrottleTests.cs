using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Web.Components.Account;

namespace SesConsole.Web.Tests.Components.Account;

public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Memory_stays_bounded_under_a_spray_of_user_names_and_addresses()
    {
        var throttle = new SignInThrottle(_time, Options.Create(new SignInThrottleOptions { MaxTrackedKeys = 100 }));

        for (var i = 0; i < 5_000; i++)
        {
            var (attempt, _) = throttle.TryBegin($"user{i}@example.com", new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]));
            Assert.NotNull(attempt);
        }

        Assert.InRange(throttle.TrackedKeys, 1, 200);
    }

    [Fact]
    public void Failures_older_than_the_window_no_longer_count()
    {
        var throttle = new SignInThrottle(_time, Options.Create(new SignInThrottleOptions()));
        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull(throttle.TryBegin("owner@example.com", IPAddress.Loopback).Attempt);
        }

        Assert.Equal(TimeSpan.FromSeconds(1), throttle.TryBegin("OWNER@example.com", IPAddress.Loopback).Wait);

        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.NotNull(throttle.TryBegin("owner@example.com", IPAddress.Loopback).Attempt);
        Assert.NotNull(throttle.TryBegin("owner@example.com", IPAddress.Loopback).Attempt);
    }

    [Fact]
    public void A_parallel_burst_gets_no_more_attempts_than_a_sequential_one()
    {
        var throttle = new SignInThrottle(_time, Options.Create(new SignInThrottleOptions()));

        var let = Enumerable.Range(0, 100).AsParallel().Count(_ => throttle.TryBegin("owner@example.com", IPAddress.Loopback).Attempt is not null);

        Assert.Equal(5, let);
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Addresses_are_keyed_by_host_for_ipv4_and_by_64_bit_prefix_for_ipv6(string address, string key) =>
        Assert.Equal(key, SignInThrottle.AddressKey(IPAddress.Parse(address)));
}
