using System.Globalization;
using System.Net;
using SesConsole.Domain.Identities;

namespace SesConsole.Web.Features.Identities.Dns;

/// <summary>Bound from the <c>Dns</c> configuration section: which resolver the checks use and what records we ask for.</summary>
public sealed class DnsOptions
{
    public const string SectionName = "Dns";

    /// <summary>Resolvers as <c>host:port</c> (for example <c>127.0.0.1:5353</c>; the port defaults to 53). Empty = the
    /// system resolver. Defaults to empty.</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>Per-try timeout. Defaults to 2 seconds.</summary>
    public double TimeoutSeconds { get; set; } = 2;

    /// <summary>Retries after the first try. Defaults to 1.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Which records Easy DKIM asks owners for: <c>Cname</c> (as SES: CNAMEs into <see cref="DkimZone"/>, whose
    /// key TXT records the operator publishes) or <c>Txt</c> (the key TXT records in the owner's domain). Defaults to
    /// <c>Cname</c>.</summary>
    public DkimRecordMode DkimMode { get; set; } = DkimRecordMode.Cname;

    /// <summary>The installation's DKIM zone (for example <c>dkim.sesconsole.example</c>) for CNAME mode. Defaults to
    /// <c>dkim.</c> + the host of <c>Console:PublicBaseUrl</c>; see <see cref="DkimZoneSetup.Resolve"/>.</summary>
    public string? DkimZone { get; set; }

    /// <summary>The custom MAIL FROM MX host; <c>{region}</c> is replaced. Defaults to <c>feedback-smtp.{region}.amazonses.com</c>.</summary>
    public string MailFromMxHost { get; set; } = "feedback-smtp.{region}.amazonses.com";

    /// <summary>Defaults to 10.</summary>
    public int MailFromMxPreference { get; set; } = 10;

    /// <summary>The domain in the MAIL FROM SPF record's <c>include:</c>. Defaults to <c>amazonses.com</c>.</summary>
    public string SpfInclude { get; set; } = "amazonses.com";

    /// <summary>The record settings, with the DKIM zone <paramref name="dkim"/> resolved (<see cref="DkimZoneSetup.Resolve"/>).</summary>
    public DnsRecordOptions ToRecordOptions(DkimZoneSetup dkim) => new()
    {
        DkimMode = dkim.Mode,
        DkimZone = dkim.Zone,
        MailFromMxHost = MailFromMxHost,
        MailFromMxPreference = MailFromMxPreference,
        SpfInclude = SpfInclude,
    };

    /// <summary>Parses <see cref="Servers"/>; a malformed entry is a configuration error and throws.</summary>
    public IReadOnlyList<IPEndPoint> ServerEndPoints() => Servers.Where(s => !string.IsNullOrWhiteSpace(s)).Select(ParseServer).ToList();

    internal static IPEndPoint ParseServer(string text)
    {
        var value = text.Trim();
        if (IPEndPoint.TryParse(value, out var endPoint))
        {
            return endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, 53) : endPoint;
        }

        var colon = value.LastIndexOf(':');
        var host = colon > 0 ? value[..colon] : value;
        var port = 53;
        if (colon > 0 && !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            throw new InvalidOperationException($"Dns:Servers entry '{text}' is not host:port.");
        }

        var address = System.Net.Dns.GetHostAddresses(host).FirstOrDefault()
            ?? throw new InvalidOperationException($"Dns:Servers entry '{text}': host '{host}' has no address.");
        return new IPEndPoint(address, port);
    }
}
