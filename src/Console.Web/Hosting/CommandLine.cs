using SesConsole.Web.Features.Accounts;

namespace SesConsole.Web.Hosting;

/// <summary>One-time commands (<c>dotnet run --project src/Console.Web -- create-admin --email …</c>).</summary>
internal static class CommandLine
{
    public static async Task<int> RunAsync(string command, IConfiguration configuration, StartupTasks startup)
    {
        switch (command)
        {
            case "create-admin":
                var email = configuration["Command:Email"];
                if (string.IsNullOrWhiteSpace(email))
                {
                    System.Console.Error.WriteLine("usage: create-admin --email you@example.com [--password PASSWORD]");
                    return 2;
                }

                var password = configuration["Command:Password"];
                var generated = string.IsNullOrEmpty(password);
                password = generated ? AccountsService.GeneratePassword() : password!;
                var error = await startup.CreateAdminAsync(email, password);
                if (error is not null)
                {
                    System.Console.Error.WriteLine($"create-admin failed: {error}");
                    return 1;
                }

                System.Console.WriteLine(generated
                    ? $"Admin {email} is ready. Password (shown once, change it after signing in): {password}"
                    : $"Admin {email} is ready.");
                return 0;
            case "migrate":
                System.Console.WriteLine("The database is migrated.");
                return 0;
            default:
                System.Console.Error.WriteLine($"Unknown command '{command}'. Commands: create-admin, migrate.");
                return 2;
        }
    }
}
