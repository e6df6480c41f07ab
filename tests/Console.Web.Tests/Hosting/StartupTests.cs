using System.Diagnostics;
using System.Net;
using SesConsole.Web.Hosting;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

public sealed class StartupTests
{
    [Fact]
    public async Task Invalid_provisioning_file_stops_the_start_and_names_file_pointer_and_problem()
    {
        await using var factory = new ConsoleAppFactory();
        var file = Path.Combine(factory.DataDirectory, "provision.json");
        await File.WriteAllTextAsync(file, """{ "accounts": [ { "id": "1234", "name": "Short ID" } ] }""", TestContext.Current.CancellationToken);
        factory.Settings["Console:ProvisioningFile"] = file;

        var error = Record.Exception(() => factory.Services);

        var failure = Assert.IsType<ProvisioningFailedException>(error is AggregateException aggregate ? aggregate.InnerException : error);
        Assert.Equal($"{file}#/accounts/0/id: '1234' is not an account ID: an account ID is exactly 12 digits, for example 123456789012.", Assert.Single(failure.Errors));
    }

    [Fact]
    public async Task Valid_provisioning_file_is_applied_at_start()
    {
        await using var factory = new ConsoleAppFactory();
        var file = Path.Combine(factory.DataDirectory, "provision.json");
        await File.WriteAllTextAsync(file, """{ "accounts": [ { "id": "777777777777", "name": "From git", "rootEmail": "git@provisioned.example" } ] }""", TestContext.Current.CancellationToken);
        factory.Settings["Console:ProvisioningFile"] = file;
        using var admin = await factory.SignInAsync("admin@example.com");

        var accounts = await admin.GetStringAsync("/admin/accounts", TestContext.Current.CancellationToken);

        Assert.Contains("777777777777", accounts, StringComparison.Ordinal);
        Assert.Contains("git@provisioned.example", accounts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_admin_command_prints_a_generated_password_once_and_the_admin_can_sign_in()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("sesconsole-cli-").FullName;
        try
        {
            var (exitCode, output) = await RunConsoleAsync($"create-admin --email first@admin.example --data-dir {dataDirectory}");

            Assert.Equal(0, exitCode);
            var password = output.Split("(shown once, change it after signing in): ")[1].Trim();
            Assert.Equal(20, password.Length);

            await using var factory = new ConsoleAppFactory();
            factory.Settings["Console:DataDirectory"] = dataDirectory;
            factory.Settings["Demo:Seed"] = "false";
            using var client = await factory.SignInAsync("first@admin.example", password);
            var page = await client.GetAsync("/admin/accounts", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);

            var (secondExit, secondOutput) = await RunConsoleAsync($"create-admin --email first@admin.example --data-dir {dataDirectory}");
            Assert.Equal(1, secondExit);
            Assert.Contains("first@admin.example is already an admin", secondOutput, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Create_admin_without_email_prints_usage()
    {
        var (exitCode, output) = await RunConsoleAsync($"create-admin --data-dir {Directory.CreateTempSubdirectory("sesconsole-cli-").FullName}");

        Assert.Equal(2, exitCode);
        Assert.Contains("usage: create-admin --email", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_admin_settings_create_the_first_admin_who_can_sign_in()
    {
        await using var factory = new ConsoleAppFactory();
        factory.Settings["Demo:Seed"] = "false";
        factory.Settings["Bootstrap:AdminEmail"] = "boot@admin.example";
        factory.Settings["Bootstrap:AdminPassword"] = "Boot-Passw0rd!";

        using var admin = await factory.SignInAsync("boot@admin.example", "Boot-Passw0rd!");
        var accounts = await admin.GetAsync("/admin/accounts", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
        Assert.Contains("Accounts · Admin", await accounts.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_admin_that_cannot_be_created_stops_the_start_with_the_reason()
    {
        await using var factory = new ConsoleAppFactory();
        factory.Settings["Demo:Seed"] = "false";
        factory.Settings["Bootstrap:AdminEmail"] = "weak@admin.example";
        factory.Settings["Bootstrap:AdminPassword"] = "short";

        var error = Record.Exception(() => factory.Services);

        var failure = Assert.IsType<InvalidOperationException>(error is AggregateException aggregate ? aggregate.InnerException : error);
        Assert.StartsWith("Bootstrap:AdminEmail weak@admin.example could not be created: Passwords must be at least", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_admin_settings_are_ignored_once_an_admin_exists()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("sesconsole-boot-").FullName;
        try
        {
            await using (var first = Bootstrapped(dataDirectory, "first@admin.example"))
            {
                using var admin = await first.SignInAsync("first@admin.example", "Boot-Passw0rd!");
            }

            await using var second = Bootstrapped(dataDirectory, "second@admin.example");
            _ = second.Services;
            var client = second.CreateClient(new() { AllowAutoRedirect = false });
            var refused = await ConsoleAppFactory.PostLoginAsync(client, "second@admin.example", "Boot-Passw0rd!");

            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("The user name or password is not correct.", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            using var stillFirst = await second.SignInAsync("first@admin.example", "Boot-Passw0rd!");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }

        static ConsoleAppFactory Bootstrapped(string dataDirectory, string email)
        {
            var factory = new ConsoleAppFactory();
            factory.Settings["Console:DataDirectory"] = dataDirectory;
            factory.Settings["Demo:Seed"] = "false";
            factory.Settings["Bootstrap:AdminEmail"] = email;
            factory.Settings["Bootstrap:AdminPassword"] = "Boot-Passw0rd!";
            return factory;
        }
    }

    [Fact]
    public async Task Provision_command_line_option_applies_the_file_at_start()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("sesconsole-cli-").FullName;
        try
        {
            var file = Path.Combine(dataDirectory, "accounts.json");
            await File.WriteAllTextAsync(file, """{ "accounts": [ { "id": "820000000001", "name": "From the command line", "rootEmail": "cli@provisioned.example" } ] }""", TestContext.Current.CancellationToken);

            var (exitCode, output) = await RunConsoleAsync($"migrate --provision \"{file}\" --data-dir {dataDirectory}");

            Assert.Equal(0, exitCode);
            var password = output.Split("[provisioning] console password of cli@provisioned.example: ")[1].Split('\n')[0].Trim();
            await using var factory = new ConsoleAppFactory();
            factory.Settings["Console:DataDirectory"] = dataDirectory;
            factory.Settings["Demo:Seed"] = "false";
            using var root = await factory.SignInAsync("cli@provisioned.example", password);
            Assert.Contains("820000000001", await root.GetStringAsync("/", TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Provision_command_line_option_with_an_invalid_file_stops_the_start()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("sesconsole-cli-").FullName;
        try
        {
            var file = Path.Combine(dataDirectory, "accounts.json");
            await File.WriteAllTextAsync(file, """{ "accounts": [ { "id": "820000000002", "name": "Typo", "sandbx": false } ] }""", TestContext.Current.CancellationToken);

            var (exitCode, output) = await RunConsoleAsync($"migrate --provision \"{file}\" --data-dir {dataDirectory}");

            Assert.NotEqual(0, exitCode);
            Assert.Contains($"{file}#/accounts/0/sandbx: unknown property \"sandbx\"; did you mean \"sandbox\"?", output, StringComparison.Ordinal);
            Assert.DoesNotContain("The database is migrated.", output, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task SqlServer_provider_without_a_connection_string_stops_the_start_with_a_clear_error()
    {
        await using var factory = new ConsoleAppFactory();
        factory.Settings["Database:Provider"] = "SqlServer";

        var error = Record.Exception(() => factory.Services);

        var failure = Assert.IsType<InvalidOperationException>(error is AggregateException aggregate ? aggregate.InnerException : error);
        Assert.Equal("Database:Provider is SqlServer but Database:ConnectionString is empty.", failure.Message);
    }

    /// <summary>Runs the built console (Console.Web.dll) as a real process in Production.</summary>
    private static async Task<(int ExitCode, string Output)> RunConsoleAsync(string arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Console.Web.dll");
        var start = new ProcessStartInfo("dotnet", $"exec \"{dll}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
