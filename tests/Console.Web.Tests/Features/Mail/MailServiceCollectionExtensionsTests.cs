using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Mail;

namespace SesConsole.Web.Tests.Features.Mail;

public sealed class MailServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddConsoleData(new DatabaseOptions(), Path.GetTempPath());
        services.AddConsoleMail(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddConsoleMail_without_settings_uses_the_local_sink()
    {
        using var provider = Build();

        var transport = Assert.IsType<LocalSinkTransport>(provider.GetRequiredService<IMailTransport>());
        Assert.Null(transport.PickupDirectory);
    }

    [Fact]
    public void AddConsoleMail_smtp_relay_mode_uses_the_relay()
    {
        using var provider = Build(("Mail:Mode", "smtprelay"), ("Mail:Relay:Host", "smtp.example.com"), ("Mail:Relay:Port", "2525"), ("Mail:Relay:Security", "None"));

        Assert.IsType<SmtpRelayTransport>(provider.GetRequiredService<IMailTransport>());
        Assert.Equal(2525, provider.GetRequiredService<MailOptions>().Relay.Port);
    }

    [Theory]
    [InlineData("Mail:Mode", "Smtp", "Configuration setting Mail:Mode: 'Smtp' is not one of LocalSink, SmtpRelay.")]
    [InlineData("Mail:Mode", "2", "Configuration setting Mail:Mode: '2' is not one of LocalSink, SmtpRelay.")]
    [InlineData("Mail:Relay:Security", "Tls", "Configuration setting Mail:Relay:Security: 'Tls' is not one of None, StartTls, StartTlsWhenAvailable, SslOnConnect.")]
    [InlineData("Mail:From", "not an address", "Configuration setting Mail:From: 'not an address' is not an email address")]
    public void AddConsoleMail_bad_setting_fails_at_start_naming_it(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build((key, value)));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddConsoleMail_relay_mode_without_host_fails_at_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("Mail:Mode", "SmtpRelay")));

        Assert.Equal("Configuration setting Mail:Relay:Host: a relay host is required when Mail:Mode is SmtpRelay.", error.Message);
    }
}
