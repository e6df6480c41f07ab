using System.Globalization;
using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Principals;

/// <summary>
/// The session name of an assumed role (STS <c>RoleSessionName</c>): 2 to 64 characters from letters, digits and
/// <c>_+=,.@-</c>. It is the last segment of the session's ARN, <c>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION</c>.
/// </summary>
/// <remarks>Equality is ordinal (session names are case-sensitive). The default value is not valid.</remarks>
public readonly record struct RoleSessionName
{
    public const int MinLength = 2;
    public const int MaxLength = 64;

    private RoleSessionName(string value) => Value = value;

    public string Value { get; }

    /// <summary>Checks STS's rule; the errors use STS's validation wording, with <c>roleSessionName</c> as the member.</summary>
    public static Result<RoleSessionName> Parse(string? text)
    {
        var value = text ?? "";
        if (value.Length < MinLength)
        {
            return Invalid(value, $"Member must have length greater than or equal to {MinLength}");
        }

        if (value.Length > MaxLength)
        {
            return Invalid(value, $"Member must have length less than or equal to {MaxLength}");
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-'))
            {
                return Invalid(value, @"Member must satisfy regular expression pattern: [\w+=,.@-]*");
            }
        }

        return new RoleSessionName(value);
    }

    private static Result<RoleSessionName> Invalid(string value, string constraint) =>
        Result<RoleSessionName>.Failure("ValidationError",
            $"1 validation error detected: Value '{value}' at 'roleSessionName' failed to satisfy constraint: {constraint}");

    public override string ToString() => Value ?? "";
}

/// <summary>
/// How long STS credentials live: AssumeRole's <c>DurationSeconds</c> is 900 s to the role's maximum session duration
/// (3,600 s by default, at most 43,200 s), and 3,600 s when not given (docs/sts.md).
/// </summary>
public static class SessionDuration
{
    public const int MinSeconds = 900;
    public const int DefaultSeconds = 3600;
    public const int MaxSeconds = 43200;

    /// <summary>The range of a role's maximum session duration (IAM: 1 to 12 hours).</summary>
    public const int MinRoleMaximumSeconds = 3600;

    /// <summary>The duration of a new session, or STS's <c>ValidationError</c>.</summary>
    /// <param name="requested">The request's <c>DurationSeconds</c> text; null or empty for the default.</param>
    /// <param name="roleMaximumSeconds">The role's maximum session duration.</param>
    public static Result<TimeSpan> ForAssumeRole(string? requested, int roleMaximumSeconds)
    {
        if (string.IsNullOrEmpty(requested))
        {
            return TimeSpan.FromSeconds(Math.Min(DefaultSeconds, roleMaximumSeconds));
        }

        if (!int.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return Result<TimeSpan>.Failure("ValidationError",
                $"1 validation error detected: Value '{requested}' at 'durationSeconds' failed to satisfy constraint: Member must be a whole number of seconds");
        }

        if (seconds < MinSeconds)
        {
            return Result<TimeSpan>.Failure("ValidationError",
                $"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to {MinSeconds}");
        }

        if (seconds > MaxSeconds)
        {
            return Result<TimeSpan>.Failure("ValidationError",
                $"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to {MaxSeconds}");
        }

        if (seconds > roleMaximumSeconds)
        {
            return Result<TimeSpan>.Failure("ValidationError",
                $"The requested DurationSeconds exceeds the MaxSessionDuration set for this role ({roleMaximumSeconds} seconds).");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Whether <paramref name="seconds"/> is a valid maximum session duration for a role (3,600 to 43,200).</summary>
    public static bool IsValidRoleMaximum(int seconds) => seconds is >= MinRoleMaximumSeconds and <= MaxSeconds;
}
