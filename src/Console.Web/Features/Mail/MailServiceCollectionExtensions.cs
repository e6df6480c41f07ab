using MimeKit;
using SesConsole.Domain.Sending;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Registers the outbound <see cref="IMailTransport"/> chosen by <c>Mail:Mode</c>, the <see cref="MailComposer"/> and the
    /// <see cref="MailboxService"/>. A setting that cannot work (an unknown mode or security, a relay without a host, a bad
    /// sender address) stops the start with an <see cref="InvalidOperationException"/> that names the setting.
    /// </summary>
    public static IServiceCollection AddConsoleMail(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(MailOptions.SectionName);
        var options = Read(section);
        services.AddSingleton(options);
        services.AddSingleton<MailComposer>();
        services.AddScoped<MailboxService>();
        switch (options.Mode)
        {
            case MailMode.SmtpRelay:
                services.AddSingleton<IMailTransport, SmtpRelayTransport>();
                break;
            default:
                services.AddSingleton<IMailTransport>(sp => new LocalSinkTransport(
                    sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.ConsoleDbContext>>(),
                    sp.GetRequiredService<TimeProvider>(),
                    ResolvePickupDirectory(options.PickupDirectory, sp.GetService<DataDirectory>()),
                    sp.GetRequiredService<ILogger<LocalSinkTransport>>(),
                    sp.GetService<SesConsole.Web.Sending.GroupCommitWriter>()));
                break;
        }

        return services;
    }

    /// <summary>Reads and checks the <c>Mail</c> section; enum values are parsed here so that a typo gets a clear message.</summary>
    internal static MailOptions Read(IConfigurationSection section)
    {
        var options = new MailOptions
        {
            Mode = ParseEnum(section, "Mode", MailMode.LocalSink),
            PickupDirectory = Blank(section["PickupDirectory"]),
            Relay = new RelayOptions
            {
                Host = Blank(section["Relay:Host"]),
                Security = ParseEnum(section, "Relay:Security", RelaySecurity.StartTlsWhenAvailable),
                UserName = Blank(section["Relay:UserName"]),
                Password = section["Relay:Password"],
            },
        };
        if (Blank(section["From"]) is { } from)
        {
            options.From = from;
        }

        if (!MailboxAddress.TryParse(options.From, out _))
        {
            throw Invalid(section, "From", $"'{options.From}' is not an email address (for example \"SesConsole <no-reply@example.com>\").");
        }

        if (Blank(section["Relay:Port"]) is { } port)
        {
            options.Relay.Port = int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                ? p
                : throw Invalid(section, "Relay:Port", $"'{port}' is not a TCP port (1-65535).");
        }

        if (Blank(section["Relay:Timeout"]) is { } timeout)
        {
            options.Relay.Timeout = TimeSpan.TryParse(timeout, System.Globalization.CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero
                ? t
                : throw Invalid(section, "Relay:Timeout", $"'{timeout}' is not a positive time span (for example 00:00:30).");
        }

        if (options.Mode == MailMode.SmtpRelay && options.Relay.Host is null)
        {
            throw Invalid(section, "Relay:Host", "a relay host is required when Mail:Mode is SmtpRelay.");
        }

        return options;
    }

    internal static string? ResolvePickupDirectory(string? configured, DataDirectory? dataDirectory) =>
        configured is null ? null : Path.GetFullPath(configured, dataDirectory?.Path ?? Directory.GetCurrentDirectory());

    private static TEnum ParseEnum<TEnum>(IConfigurationSection section, string key, TEnum fallback)
        where TEnum : struct, Enum
    {
        var value = Blank(section[key]);
        if (value is null)
        {
            return fallback;
        }

        // Names only: Enum.TryParse would also accept any number.
        var match = Enum.GetNames<TEnum>().FirstOrDefault(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase));
        return match is not null
            ? Enum.Parse<TEnum>(match)
            : throw Invalid(section, key, $"'{value}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static InvalidOperationException Invalid(IConfigurationSection section, string key, string problem) =>
        new($"Configuration setting {section.Path}:{key}: {problem}");
}
