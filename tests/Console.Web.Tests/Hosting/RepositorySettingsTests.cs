using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using SesConsole.Web.Hosting;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

public sealed class RepositorySettingsTests
{
    [Fact]
    public async Task The_running_console_reads_the_repository_settings_file_right_after_the_project_settings()
    {
        await using var factory = new ConsoleAppFactory();
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();
        var top = Path.GetFullPath(Path.Combine(factory.Services.GetRequiredService<IHostEnvironment>().ContentRootPath, "..", ".."));
        var file = Path.Combine(top, RepositorySettings.FileName);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        var providers = configuration.Providers.ToList();

        var repository = Assert.Single(providers, p => p is JsonConfigurationProvider { Source.FileProvider: PhysicalFileProvider provider } && Path.TrimEndingDirectorySeparator(provider.Root) == top);
        var project = Assert.Single(providers, p => p is JsonConfigurationProvider j && j.Source.Path == RepositorySettings.FileName && j != repository);

        Assert.True(repository.TryGet("Demo:Password", out var password));
        Assert.Equal(json.RootElement.GetProperty("Demo").GetProperty("Password").GetString(), password);
        Assert.Equal(providers.IndexOf(project) + 1, providers.IndexOf(repository));

        // What the test host sets still wins over the file.
        Assert.Equal(ConsoleAppFactory.Password, configuration["Demo:Password"]);
    }

    [Fact]
    public void In_a_checkout_the_top_level_file_overrides_the_project_and_yields_to_later_sources()
    {
        var top = Directory.CreateTempSubdirectory("sesconsole-settings-").FullName;
        try
        {
            var contentRoot = Directory.CreateDirectory(Path.Combine(top, "src", "Console.Web")).FullName;
            File.WriteAllText(Path.Combine(top, RepositorySettings.RepositoryMarker), "");
            File.WriteAllText(Path.Combine(top, RepositorySettings.FileName), """{ "A": "top", "B": "top", "C": "top" }""");
            File.WriteAllText(Path.Combine(contentRoot, "appsettings.json"), """{ "A": "project", "D": "project" }""");
            File.WriteAllText(Path.Combine(contentRoot, RepositorySettings.FileName), """{ "A": "project-development" }""");

            var configuration = Configure(contentRoot, Environments.Development, out var added);

            Assert.Equal(Path.Combine(top, RepositorySettings.FileName), added);
            Assert.Equal("top", configuration["A"]);
            Assert.Equal("later", configuration["B"]);
            Assert.Equal("top", configuration["C"]);
            Assert.Equal("project", configuration["D"]);

            Assert.Null(Configure(contentRoot, Environments.Production, out var inProduction)["C"]);
            Assert.Null(inProduction);

            File.Delete(Path.Combine(top, RepositorySettings.RepositoryMarker));
            Assert.Null(Configure(contentRoot, Environments.Development, out var outsideCheckout)["C"]);
            Assert.Null(outsideCheckout);
        }
        finally
        {
            Directory.Delete(top, recursive: true);
        }
    }

    /// <summary>The sources WebApplication.CreateBuilder lays down (project files, then a later source), plus ours.</summary>
    private static ConfigurationManager Configure(string contentRoot, string environmentName, out string? added)
    {
        var environment = new HostingEnvironment { EnvironmentName = environmentName, ContentRootPath = contentRoot, ContentRootFileProvider = new PhysicalFileProvider(contentRoot) };
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(contentRoot);
        configuration.AddJsonFile("appsettings.json", optional: true);
        configuration.AddJsonFile($"appsettings.{environmentName}.json", optional: true);
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["B"] = "later" });
        added = configuration.AddRepositoryDevelopmentSettings(environment);
        return configuration;
    }
}
