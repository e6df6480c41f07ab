namespace SesConsole.Web.Features.Smtp;

/// <summary>One listening port.</summary>
public sealed class SmtpEndpointOptions
{
    public int Port { get; set; }

    /// <summary>TLS from the first byte (SES's 465/2465); otherwise STARTTLS is offered (587/2587).</summary>
    public bool ImplicitTls { get; set; }
}

/// <summary>Bound from the <c>Smtp</c> section: the SMTP submission interface for delegates.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    /// <summary>Whether the listener runs. Defaults to false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Defaults to 2587 (STARTTLS) and 2465 (implicit TLS), SES's alternative ports.</summary>
    public List<SmtpEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>The address to listen on. Defaults to 127.0.0.1; use 0.0.0.0 to accept other hosts.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The region this listener is the SMTP endpoint of (SMTP passwords are per region). Defaults to the first region.</summary>
    public string? Region { get; set; }

    /// <summary>A PFX certificate for TLS. When empty, a self-signed one is generated into the data directory.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Allow AUTH on a connection without TLS (tests, trusted networks). Defaults to false, as SES.</summary>
    public bool AllowAuthWithoutTls { get; set; }

    /// <summary>SES's 10 MB message limit (after base64 for attachments).</summary>
    public int MaxMessageSize { get; set; } = 10 * 1024 * 1024;

    /// <summary>SES's 50 recipients per message.</summary>
    public int MaxRecipients { get; set; } = 50;

    /// <summary>How long the server waits for the next command (and for a TLS handshake) before closing the connection. Defaults to 1 minute.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the server waits for more of a message after DATA before closing the connection. Defaults to 1 minute.</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest a connection may stay open, however busy. Defaults to 10 minutes.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Connections open at once over all ports; one more gets <c>421</c> and is closed. Defaults to 100.</summary>
    public int MaxConnections { get; set; } = 100;

    /// <summary>Commands one connection may send (QUIT aside); the next gets <c>421</c> and the connection is closed. Defaults to 1000.</summary>
    public int MaxCommandsPerConnection { get; set; } = 1000;

    /// <summary>Failed commands (syntax errors, commands out of order, refused AUTH …) one connection may send before it is closed. Defaults to 10.</summary>
    public int MaxBadCommands { get; set; } = 10;

    public int MaxAuthenticationAttempts { get; set; } = 3;

    public string ServerName { get; set; } = "sesconsole";

    public IReadOnlyList<SmtpEndpointOptions> EffectiveEndpoints => Endpoints.Count > 0
        ? Endpoints
        : [new SmtpEndpointOptions { Port = 2587 }, new SmtpEndpointOptions { Port = 2465, ImplicitTls = true }];
}
