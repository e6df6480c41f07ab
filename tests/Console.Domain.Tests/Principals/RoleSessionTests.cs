using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Tests.Principals;

public sealed class RoleSessionTests
{
    [Theory]
    [InlineData("ab")]
    [InlineData("nightly-job_1+x=y,z.w@q")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void RoleSessionName_Parse_AcceptsStsCharactersAndLengths(string name) => Assert.Equal(name, RoleSessionName.Parse(name).GetValueOrThrow().Value);

    [Theory]
    [InlineData("a", "greater than or equal to 2")]
    [InlineData("has space", @"[\w+=,.@-]*")]
    [InlineData("slash/no", @"[\w+=,.@-]*")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234", "less than or equal to 64")]
    public void RoleSessionName_Parse_RefusesWithStsValidationWording(string name, string constraint)
    {
        var error = RoleSessionName.Parse(name).Error!;

        Assert.Equal("ValidationError", error.Code);
        Assert.Contains("at 'roleSessionName' failed to satisfy constraint", error.Message, StringComparison.Ordinal);
        Assert.Contains(constraint, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 3600, 3600)]
    [InlineData("", 43200, 3600)]
    [InlineData("900", 3600, 900)]
    [InlineData("43200", 43200, 43200)]
    public void SessionDuration_ForAssumeRole_DefaultsAndRange(string? requested, int roleMaximum, int expected) =>
        Assert.Equal(TimeSpan.FromSeconds(expected), SessionDuration.ForAssumeRole(requested, roleMaximum).GetValueOrThrow());

    [Theory]
    [InlineData("899", 3600, "greater than or equal to 900")]
    [InlineData("43201", 43200, "less than or equal to 43200")]
    [InlineData("7200", 3600, "exceeds the MaxSessionDuration set for this role")]
    [InlineData("1h", 3600, "whole number")]
    public void SessionDuration_ForAssumeRole_RefusesOutOfRange(string requested, int roleMaximum, string fragment)
    {
        var error = SessionDuration.ForAssumeRole(requested, roleMaximum).Error!;

        Assert.Equal("ValidationError", error.Code);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrincipalArn_ForAssumedRole_RoundTripsAndNamesItsRole()
    {
        var arn = PrincipalArn.ForAssumedRole(AccountId.Parse("111111111111").GetValueOrThrow(), IamName.Parse("mailer", "role").GetValueOrThrow(),
            RoleSessionName.Parse("nightly").GetValueOrThrow());

        Assert.Equal("arn:aws:sts::111111111111:assumed-role/mailer/nightly", arn.Value);
        Assert.Equal(arn, PrincipalArn.Parse(arn.Value).GetValueOrThrow());
        Assert.Equal("arn:aws:iam::111111111111:role/mailer", arn.RoleArn);
        Assert.Equal("nightly", arn.Session);
    }
}
