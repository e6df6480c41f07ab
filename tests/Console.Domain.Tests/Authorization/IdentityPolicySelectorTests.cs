using SesConsole.Domain.Authorization;

namespace SesConsole.Domain.Tests.Authorization;

public sealed class IdentityPolicySelectorTests
{
    private sealed record Row(string Name, int Policies);

    private static string? Pick(string address, params Row[] rows)
    {
        var result = IdentityPolicySelector.Select(rows, r => r.Name, r => r.Policies, address);
        return result.IsSuccess ? result.Value.Name : null;
    }

    [Fact]
    public void Select_AddressIdentityWithPolicies_BeatsDomain() =>
        Assert.Equal("sender@example.com", Pick("sender@example.com", new Row("example.com", 1), new Row("sender@example.com", 1)));

    [Fact]
    public void Select_AddressIdentityWithoutPolicies_FallsBackToDomain() =>
        Assert.Equal("example.com", Pick("sender@example.com", new Row("example.com", 2), new Row("sender@example.com", 0)));

    [Fact]
    public void Select_DomainCoversSubdomains_MostSpecificWins()
    {
        Assert.Equal("mail.example.com", Pick("a@eu.mail.example.com", new Row("example.com", 1), new Row("mail.example.com", 1)));
        Assert.Equal("example.com", Pick("a@eu.mail.example.com", new Row("example.com", 1), new Row("other.mail.example.com", 1)));
    }

    [Fact]
    public void Select_DomainMatchIsCaseInsensitive() =>
        Assert.Equal("Example.COM", Pick("a@example.com", new Row("Example.COM", 1)));

    [Fact]
    public void Select_AddressLocalPartIsCaseSensitive() =>
        Assert.Equal("example.com", Pick("Sender@EXAMPLE.com", new Row("sender@example.com", 1), new Row("example.com", 1)));

    [Fact]
    public void Select_SuffixThatIsNotASubdomain_DoesNotCover() =>
        Assert.Null(Pick("a@badexample.com", new Row("example.com", 1)));

    [Fact]
    public void Select_NothingCovers_FailsWithCode()
    {
        var result = IdentityPolicySelector.Select(new[] { new Row("other.com", 1) }, r => r.Name, r => r.Policies, "a@example.com");

        Assert.Equal("authorization.no_applicable_identity", result.Error!.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("trailing@")]
    [InlineData("@example.com")]
    public void Select_MalformedAddress_CoversNothing(string address) =>
        Assert.Null(Pick(address, new Row("example.com", 1)));
}
