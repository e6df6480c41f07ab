using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Tests.Identities;

public sealed class SendingIdentityNameTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("Mail.Example.COM", "mail.example.com")]
    [InlineData("  a-b.c1.example.org.  ", "a-b.c1.example.org")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    public void Parse_domain_is_lower_case_ascii(string text, string expected)
    {
        var name = SendingIdentityName.Parse(text).GetValueOrThrow();

        Assert.Equal(SendingIdentityType.Domain, name.Type);
        Assert.Equal(expected, name.Value);
        Assert.Equal(expected, name.Domain);
        Assert.Null(name.LocalPart);
        Assert.Null(name.ConvertedFrom);
    }

    [Fact]
    public void Parse_unicode_domain_is_converted_to_punycode_and_reported()
    {
        var name = SendingIdentityName.Parse("Bücher.example").GetValueOrThrow();

        Assert.Equal("xn--bcher-kva.example", name.Value);
        Assert.Equal("Bücher.example", name.ConvertedFrom);
    }

    [Fact]
    public void Parse_address_keeps_the_local_part_and_the_domain_case()
    {
        var name = SendingIdentityName.Parse("Sender.Name+tag@Example.com").GetValueOrThrow();

        Assert.Equal(SendingIdentityType.EmailAddress, name.Type);
        Assert.Equal("Sender.Name+tag@Example.com", name.Value);
        Assert.Equal("Sender.Name+tag", name.LocalPart);
        Assert.Equal("Example.com", name.Domain);
    }

    [Fact]
    public void Parse_address_with_unicode_domain_converts_the_domain_part()
    {
        var name = SendingIdentityName.Parse("info@bücher.example").GetValueOrThrow();

        Assert.Equal("info@xn--bcher-kva.example", name.Value);
        Assert.Equal("info@bücher.example", name.ConvertedFrom);
    }

    [Fact]
    public void Addresses_differing_in_case_are_different_identities()
    {
        Assert.NotEqual(SendingIdentityName.Parse("sender@EXAMPLE.com").GetValueOrThrow(), SendingIdentityName.Parse("sender@example.com").GetValueOrThrow());
        Assert.Equal(SendingIdentityName.Parse("EXAMPLE.com").GetValueOrThrow(), SendingIdentityName.Parse("example.com").GetValueOrThrow());
    }

    [Theory]
    [InlineData("", "Enter an email address or a domain")]
    [InlineData("localhost", "at least two labels")]
    [InlineData("-bad.example.com", "starts or ends with a hyphen")]
    [InlineData("bad-.example.com", "starts or ends with a hyphen")]
    [InlineData("a..example.com", "empty label")]
    [InlineData("under_score.example.com", "'_'")]
    [InlineData("sp ace.example.com", "' '")]
    [InlineData("@example.com", "before the @ is empty")]
    [InlineData("a@b@example.com", "exactly one @")]
    [InlineData("user@localhost", "at least two labels")]
    [InlineData(".user@example.com", "dot")]
    [InlineData("us..er@example.com", "dot")]
    [InlineData("us(er@example.com", "'('")]
    [InlineData("ü@example.com", "'ü'")]
    public void Parse_invalid_name_is_an_identity_invalid_name_error_saying_why(string text, string reason)
    {
        var result = SendingIdentityName.Parse(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("identity.invalid_name", result.Error.Code);
        Assert.Contains(reason, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_label_of_64_characters_is_an_error_and_63_is_fine()
    {
        Assert.True(SendingIdentityName.Parse(new string('a', 63) + ".com").IsSuccess);

        var result = SendingIdentityName.Parse(new string('a', 64) + ".com");

        Assert.Contains("at most 63", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_domain_longer_than_255_is_an_error()
    {
        var label = new string('a', 63);
        var ok = string.Join('.', label, label, label, new string('b', 61) + ".c");
        var tooLong = string.Join('.', label, label, label, label, "com");

        Assert.Equal(255, ok.Length);
        Assert.True(SendingIdentityName.Parse(ok).IsSuccess);
        Assert.Contains("at most 255", SendingIdentityName.Parse(tooLong).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_local_part_longer_than_64_is_an_error()
    {
        Assert.True(SendingIdentityName.Parse(new string('a', 64) + "@example.com").IsSuccess);
        Assert.Contains("at most 64", SendingIdentityName.Parse(new string('a', 65) + "@example.com").Error!.Message, StringComparison.Ordinal);
    }
}
