namespace SesConsole.Web.Reputation.Inbound;

/// <summary>Bound from <c>Feedback</c> (docs/reputation.md#return-addresses-verp, docs/reputation.md#inbound-feedback).</summary>
public sealed class FeedbackOptions
{
    public const string SectionName = "Feedback";

    /// <summary>
    /// The installation's bounce domain: return addresses are <c>{messageId}-{tag}@{this}</c>. Defaults to none, which means
    /// <c>{region}.{Sending:Pipeline:DefaultMailFromDomain}</c>. A verified custom MAIL FROM domain of the identity wins, as in SES.
    /// </summary>
    public string? ReturnPathDomain { get; set; }

    public InboundFeedbackOptions Inbound { get; set; } = new();
}

/// <summary>The inbound feedback SMTP listener (<c>Feedback:Inbound</c>): where the bounce domain's MX points.</summary>
public sealed class InboundFeedbackOptions
{
    /// <summary>Whether the listener runs. Defaults to false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The port. Defaults to 2525 (forward port 25 of the bounce domain's MX to it); 0 lets the OS choose.</summary>
    public int Port { get; set; } = 2525;

    /// <summary>The address to listen on. Defaults to 127.0.0.1; use 0.0.0.0 to accept mail from other hosts.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The largest report accepted; a bigger one gets <c>552</c>. Defaults to 1 MB.</summary>
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>How much of a report is kept for inspection (the rest is cut). Defaults to 256 KB.</summary>
    public int MaxStoredBytes { get; set; } = 256 * 1024;

    /// <summary>Return addresses per message; one more gets <c>452</c>. Defaults to 10.</summary>
    public int MaxRecipients { get; set; } = 10;

    /// <summary>Connections open at once; one more gets <c>421</c>. Defaults to 20.</summary>
    public int MaxConnections { get; set; } = 20;

    /// <summary>Commands one connection may send before it is closed. Defaults to 200.</summary>
    public int MaxCommandsPerConnection { get; set; } = 200;

    /// <summary>Failed commands (refused recipients included) one connection may send before it is closed. Defaults to 10.</summary>
    public int MaxBadCommands { get; set; } = 10;

    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public string ServerName { get; set; } = "sesconsole-feedback";
}
