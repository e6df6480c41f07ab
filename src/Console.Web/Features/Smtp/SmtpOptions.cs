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

    /// <summary>How long the server waits for the next command before closing the connection.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(1);

    public int MaxAuthenticationAttempts { get; set; } = 3;

    public string ServerName { get; set; } = "sesconsole";

    public IReadOnlyList<SmtpEndpointOptions> EffectiveEndpoints => Endpoints.Count > 0
        ? Endpoints
        : [new SmtpEndpointOptions { Port = 2587 }, new SmtpEndpointOptions { Port = 2465, ImplicitTls = true }];
}
