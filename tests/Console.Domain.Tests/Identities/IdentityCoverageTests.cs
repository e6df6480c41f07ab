using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Tests.Identities;

public sealed class IdentityCoverageTests
{
    [Theory]
    [InlineData("example.com", "sender@example.com", true)]
    [InlineData("example.com", "sender@EXAMPLE.COM", true)]
    [InlineData("example.com", "user@a.example.com", true)]
    [InlineData("example.com", "user@a.b.example.com", true)]
    [InlineData("example.com", "user@badexample.com", false)]
    [InlineData("example.com", "user@example.com.evil.net", false)]
    [InlineData("a.example.com", "user@example.com", false)]
    [InlineData("xn--bcher-kva.example", "info@bücher.example", true)]
    [InlineData("sender@example.com", "sender@example.com", true)]
    [InlineData("sender@example.com", "sender+tag@example.com", true)]
    [InlineData("sender@example.com", "sender+a+b@example.com", true)]
    [InlineData("sender@example.com", "Sender@example.com", false)]
    [InlineData("sender@EXAMPLE.com", "sender@example.com", false)]
    [InlineData("sender@example.com", "senderx@example.com", false)]
    [InlineData("sender@example.com", "other@example.com", false)]
    [InlineData("sender@example.com", "sender@a.example.com", false)]
    [InlineData("sender+tag@example.com", "sender@example.com", false)]
    [InlineData("example.com", "not-an-address", false)]
    [InlineData("not a name", "sender@example.com", false)]
    public void Covers_follows_the_ses_rules(string identity, string address, bool expected) =>
        Assert.Equal(expected, IdentityCoverage.Covers(identity, address));

    [Theory]
    [InlineData("sender@a.example.com", "sender@a.example.com")]
    [InlineData("sender+x@a.example.com", "sender@a.example.com")]
    [InlineData("other@a.example.com", "a.example.com")]
    [InlineData("other@b.a.example.com", "a.example.com")]
    [InlineData("other@b.example.com", "example.com")]
    [InlineData("other@elsewhere.net", null)]
    public void MostSpecific_prefers_address_then_subdomain_then_parent(string address, string? expected)
    {
        string[] verified = ["example.com", "a.example.com", "sender@a.example.com"];

        Assert.Equal(expected, IdentityCoverage.MostSpecific(verified, address));
    }

    [Fact]
    public void MostSpecific_exact_address_beats_its_plus_variant_identity()
    {
        string[] verified = ["sender@example.com", "sender+news@example.com"];

        Assert.Equal("sender+news@example.com", IdentityCoverage.MostSpecific(verified, "sender+news@example.com"));
        Assert.Equal("sender@example.com", IdentityCoverage.MostSpecific(verified, "sender+other@example.com"));
    }
}
