using Microsoft.Extensions.Configuration.Json;

namespace SesConsole.Web.Hosting;

/// <summary>
/// In Development, the repository's top-level <c>appsettings.Development.json</c> is the one file a developer edits: it
/// is read on top of the project's own settings (<c>src/Console.Web/appsettings.json</c> and
/// <c>appsettings.Development.json</c>) and below user secrets, environment variables and the command line.
/// </summary>
public static class RepositorySettings
{
    public const string FileName = "appsettings.Development.json";

    /// <summary>The file that marks the repository's top level (two levels above the project's content root).</summary>
    public const string RepositoryMarker = "SesConsole.sln";

    /// <summary>
    /// Adds the repository's <see cref="FileName"/> when the environment is Development and the content root sits in a
    /// checkout (<c>CONTENT_ROOT/../../SesConsole.sln</c> exists); does nothing otherwise, so a published console never
    /// reads a file outside its own folder. Returns the file's full path when it was added.
    /// </summary>
    public static string? AddRepositoryDevelopmentSettings(this IConfigurationBuilder configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (!environment.IsDevelopment())
        {
            return null;
        }

        var top = Path.GetFullPath(Path.Combine(environment.ContentRootPath, "..", ".."));
        if (!File.Exists(Path.Combine(top, RepositoryMarker)))
        {
            return null;
        }

        var path = Path.Combine(top, FileName);
        // Read at start only: watching the repository's top level for changes would watch the whole checkout
        // (bin, obj, node_modules) and exhaust the system's file watchers.
        var source = new JsonConfigurationSource
        {
            Path = FileName,
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(top),
        };

        // Right after the project's appsettings.{Environment}.json, so that everything later (user secrets, environment
        // variables, the command line, test hosts' settings) still wins.
        var sources = configuration.Sources;
        var projectFile = $"appsettings.{environment.EnvironmentName}.json";
        var index = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource json && string.Equals(json.Path, projectFile, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
            }
        }

        if (index < 0)
        {
            configuration.Add(source);
        }
        else
        {
            sources.Insert(index + 1, source);
        }

        return path;
    }
}
