using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Tests.Identities;

public sealed class IdentityArnTests
{
    [Theory]
    [InlineData("arn:aws:ses:us-east-1:123456789012:identity/example.com", "us-east-1", "example.com")]
    [InlineData("arn:aws:ses:*:123456789012:identity/user@example.com", "*", "user@example.com")]
    public void Parse_Valid_SplitsParts(string text, string region, string name)
    {
        var arn = IdentityArn.Parse(text).GetValueOrThrow();

        Assert.Equal((region, "123456789012", name, text), (arn.Region, arn.Account.Value, arn.IdentityName, arn.Value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("arn:aws:iam::123456789012:user/x")]
    [InlineData("arn:aws:ses:us-east-1:12345:identity/example.com")]
    [InlineData("arn:aws:ses:us-east-1:123456789012:domain/example.com")]
    [InlineData("arn:aws:ses:us-east-1:123456789012:identity/")]
    [InlineData("arn:aws:ses:US_EAST:123456789012:identity/example.com")]
    [InlineData("arn:aws:ses:us-east-1:123456789012:identity/*.com")]
    public void Parse_Invalid_Fails(string? text)
    {
        var result = IdentityArn.Parse(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("identity.invalid_arn", result.Error.Code);
    }
}
