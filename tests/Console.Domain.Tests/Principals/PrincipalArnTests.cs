using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Tests.Principals;

public sealed class PrincipalArnTests
{
    [Theory]
    [InlineData("arn:aws:iam::123456789012:root", PrincipalKind.AccountRoot, "")]
    [InlineData("arn:aws:iam::123456789012:user/John", PrincipalKind.User, "John")]
    [InlineData("arn:aws:iam::123456789012:user/division_abc/sub/Jane", PrincipalKind.User, "Jane")]
    [InlineData("arn:aws:iam::123456789012:role/lambda-mailer", PrincipalKind.Role, "lambda-mailer")]
    [InlineData("arn:aws:sts::123456789012:assumed-role/lambda-mailer/session-1", PrincipalKind.AssumedRole, "lambda-mailer")]
    public void Parse_valid_arn_gives_kind_account_and_name(string text, PrincipalKind kind, string name)
    {
        var arn = PrincipalArn.Parse(text).GetValueOrThrow();

        Assert.Equal(kind, arn.Kind);
        Assert.Equal("123456789012", arn.Account.Value);
        Assert.Equal(name, arn.Name);
        Assert.Equal(text, arn.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("123456789012")]
    [InlineData("arn:aws:iam::12345678901:root")]
    [InlineData("arn:aws:iam:us-east-1:123456789012:root")]
    [InlineData("arn:aws:s3::123456789012:user/John")]
    [InlineData("arn:aws:iam::123456789012:group/admins")]
    [InlineData("arn:aws:iam::123456789012:user/")]
    [InlineData("arn:aws:iam::123456789012:user/has space")]
    [InlineData("arn:aws:iam::123456789012:user/*")]
    [InlineData("arn:aws:sts::123456789012:assumed-role/role-only")]
    public void Parse_invalid_arn_is_an_error_that_quotes_the_input(string text)
    {
        var result = PrincipalArn.Parse(text);

        Assert.False(result.IsSuccess);
        Assert.Equal("principal.invalid_arn", result.Error.Code);
        Assert.Contains($"'{text}'", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void User_names_are_case_sensitive()
    {
        var upper = PrincipalArn.Parse("arn:aws:iam::123456789012:user/John").GetValueOrThrow();
        var lower = PrincipalArn.Parse("arn:aws:iam::123456789012:user/john").GetValueOrThrow();

        Assert.NotEqual(upper, lower);
    }

    [Fact]
    public void ForRoot_ForUser_ForRole_build_canonical_arns()
    {
        var account = AccountId.Parse("111122223333").GetValueOrThrow();
        var name = IamName.Parse("Jane").GetValueOrThrow();

        Assert.Equal("arn:aws:iam::111122223333:root", account.RootArn.Value);
        Assert.Equal("arn:aws:iam::111122223333:user/Jane", PrincipalArn.ForUser(account, name).Value);
        Assert.Equal("arn:aws:iam::111122223333:role/Jane", PrincipalArn.ForRole(account, name).Value);
    }
}

public sealed class AccountAndOrganizationIdTests
{
    [Theory]
    [InlineData("123456789012", true)]
    [InlineData(" 123456789012 ", true)]
    [InlineData("12345678901", false)]
    [InlineData("1234567890123", false)]
    [InlineData("12345678901a", false)]
    [InlineData("１２３４５６７８９０１２", false)]
    [InlineData(null, false)]
    public void AccountId_Parse_accepts_exactly_12_ascii_digits(string? text, bool valid)
    {
        Assert.Equal(valid, AccountId.Parse(text).IsSuccess);
    }

    [Fact]
    public void AccountId_NewRandom_is_12_digits_without_leading_zero()
    {
        for (var i = 0; i < 200; i++)
        {
            var id = AccountId.NewRandom().Value;
            Assert.Matches("^[1-9][0-9]{11}$", id);
        }
    }

    [Theory]
    [InlineData("o-a1b2c3d4e5", true)]
    [InlineData("o-abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("o-abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("o-a1b2c3d4e", false)]
    [InlineData("o-A1B2C3D4E5", false)]
    [InlineData("a1b2c3d4e5f6", false)]
    public void OrganizationId_Parse_follows_the_o_prefix_rule(string text, bool valid)
    {
        Assert.Equal(valid, OrganizationId.Parse(text).IsSuccess);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("user+=,.@_-1", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("slash/no", false)]
    [InlineData("ünïcode", false)]
    public void IamName_Parse_follows_IAMs_character_rules(string text, bool valid)
    {
        Assert.Equal(valid, IamName.Parse(text).IsSuccess);
        Assert.False(IamName.Parse(new string('a', 65)).IsSuccess);
        Assert.True(IamName.Parse(new string('a', 64)).IsSuccess);
    }
}
