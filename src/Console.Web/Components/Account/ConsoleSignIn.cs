using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;

namespace SesConsole.Web.Components.Account;

/// <summary>
/// The console's password sign-in (the sign-in page calls it). A wrong password and an unknown user get the same answer
/// and cost the same password hash; repeated failures are slowed by <see cref="SignInThrottle"/> instead of Identity's
/// lockout-on-failure, so nobody can lock a known user out by failing on purpose. A lock-out an administrator set on the
/// sign-in (<c>LockoutEnd</c>) still blocks, and is only told to someone who gave the right password.
/// See <c>docs/console-security.md</c>.
/// </summary>
public sealed class ConsoleSignIn(
    SignInManager<ConsoleUser> signInManager,
    UserManager<ConsoleUser> userManager,
    IPasswordHasher<ConsoleUser> passwordHasher,
    SignInThrottle throttle)
{
    public const string WrongCredentials = "The user name or password is not correct.";
    public const string LockedByAdministrator = "This sign-in is locked by an administrator.";

    private static string? _dummyHash;

    /// <summary>The answer while the user name or the client address must wait.</summary>
    public static string TooManyAttempts(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"Too many sign-in attempts. Try again in {seconds} {(seconds == 1 ? "second" : "seconds")}.");
    }

    /// <summary>Checks the password and signs in (sets the auth cookie). The error's message is what the page shows.</summary>
    public async Task<Result> PasswordSignInAsync(string userName, string password, IPAddress? clientAddress)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        userName = userName.Trim();
        var (attempt, wait) = throttle.TryBegin(userName, clientAddress);
        if (attempt is null)
        {
            return Result.Failure("signin.throttled", TooManyAttempts(wait));
        }

        var user = await userManager.FindByNameAsync(userName);
        if (user is null)
        {
            // The same PBKDF2 work as a real check, so that the answer's timing does not tell the user doesn't exist.
            _dummyHash ??= passwordHasher.HashPassword(new ConsoleUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
            passwordHasher.VerifyHashedPassword(new ConsoleUser(), _dummyHash, password);
            return Result.Failure("signin.failed", WrongCredentials);
        }

        // UserManager's check neither reads nor counts lock-outs (SignInManager's would refuse before the password check).
        if (!await userManager.CheckPasswordAsync(user, password))
        {
            return Result.Failure("signin.failed", WrongCredentials);
        }

        if (await userManager.IsLockedOutAsync(user))
        {
            return Result.Failure("signin.locked", LockedByAdministrator);
        }

        throttle.Succeeded(attempt);
        await signInManager.SignInAsync(user, isPersistent: false);
        return Result.Success();
    }
}
