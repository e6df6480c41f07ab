using SesConsole.Domain.Authentication;

namespace SesConsole.Domain.Tests.Authentication;

public sealed class SmtpCredentialsTests
{
    [Fact]
    public void DerivePassword_is_version_4_plus_a_SHA256_HMAC_and_depends_on_key_and_region()
    {
        var password = SmtpCredentials.DerivePassword("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1");
        var bytes = Convert.FromBase64String(password);

        Assert.Equal(33, bytes.Length);
        Assert.Equal(0x04, bytes[0]);
        Assert.Equal(password, SmtpCredentials.DerivePassword("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1"));
        Assert.NotEqual(password, SmtpCredentials.DerivePassword("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "eu-west-1"));
        Assert.NotEqual(password, SmtpCredentials.DerivePassword("another-secret", "us-east-1"));
        Assert.True(SmtpCredentials.Matches(password, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1"));
        Assert.False(SmtpCredentials.Matches(password[..^2] + "AA", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1"));
    }
}
