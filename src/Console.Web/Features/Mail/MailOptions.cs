namespace SesConsole.Web.Features.Mail;

/// <summary>Where outgoing mail goes (configuration section <c>Mail</c>).</summary>
public enum MailMode
{
    /// <summary>Keep every message in the console's own mailbox (the Mailbox page), and optionally in a pickup directory.</summary>
    LocalSink = 1,

    /// <summary>Hand every message to an SMTP relay.</summary>
    SmtpRelay = 2,
}

/// <summary>How the relay connection is secured (MailKit's <c>SecureSocketOptions</c>, minus <c>Auto</c>).</summary>
public enum RelaySecurity
{
    /// <summary>Plain SMTP; credentials, if any, travel in clear text. Loopback or trusted networks only.</summary>
    None = 1,

    /// <summary>STARTTLS, and fail when the relay does not offer it.</summary>
    StartTls = 2,

    /// <summary>STARTTLS when the relay offers it, plain otherwise.</summary>
    StartTlsWhenAvailable = 3,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    SslOnConnect = 4,
}

/// <summary>The <c>Mail</c> configuration section.</summary>
public sealed class MailOptions
{
    public const string SectionName = "Mail";

    public MailMode Mode { get; set; } = MailMode.LocalSink;

    /// <summary>
    /// The sender of the console's own mail (verification links and the like), as an RFC 5322 mailbox.
    /// Defaults to <c>SesConsole &lt;no-reply@sesconsole.localhost&gt;</c>.
    /// </summary>
    public string From { get; set; } = "SesConsole <no-reply@sesconsole.localhost>";

    /// <summary>
    /// Local sink only: a directory that also receives every message as <c>&lt;timestamp&gt;-&lt;id&gt;.eml</c>. A relative path
    /// is taken relative to <c>Console:DataDirectory</c>. Defaults to none (the database only).
    /// </summary>
    public string? PickupDirectory { get; set; }

    public RelayOptions Relay { get; set; } = new();
}

/// <summary>The <c>Mail:Relay</c> section, used when <see cref="MailOptions.Mode"/> is <see cref="MailMode.SmtpRelay"/>.</summary>
public sealed class RelayOptions
{
    /// <summary>The relay's host name or IP address. Required for <see cref="MailMode.SmtpRelay"/>.</summary>
    public string? Host { get; set; }

    /// <summary>Defaults to 587.</summary>
    public int Port { get; set; } = 587;

    /// <summary>Defaults to <see cref="RelaySecurity.StartTlsWhenAvailable"/>.</summary>
    public RelaySecurity Security { get; set; } = RelaySecurity.StartTlsWhenAvailable;

    /// <summary>When set, the transport authenticates with it and <see cref="Password"/>.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Connect and command timeout. Defaults to 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
