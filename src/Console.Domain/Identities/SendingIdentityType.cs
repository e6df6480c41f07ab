namespace SesConsole.Domain.Identities;

/// <summary>The two kinds of sending identity SES lets an owner create.</summary>
public enum SendingIdentityType
{
    EmailAddress = 1,
    Domain = 2,
}
