using System.Net;
using SesConsole.Domain.Identities;

namespace SesConsole.Web.Features.Identities.Dns;

/// <summary>
/// How this installation hands out Easy DKIM records, resolved once from <c>Dns:DkimMode</c>, <c>Dns:DkimZone</c> and
/// <c>Console:PublicBaseUrl</c>: what the identity pages and the API show, the admin's DKIM zone page explains and the
/// start-up log says (<c>docs/identities.md</c>, "CNAME and TXT mode").
/// </summary>
/// <param name="ConfiguredMode">The mode configured (<c>Dns:DkimMode</c>).</param>
/// <param name="Zone">The zone CNAMEs point into, or <see langword="null"/> when owners publish TXT records.</param>
/// <param name="ZoneSource">Where <see cref="Zone"/> came from: <c>Dns:DkimZone</c> or <c>Console:PublicBaseUrl</c>.</param>
/// <param name="Problem">Why CNAME mode has no zone (owners are then asked for TXT records); null otherwise.</param>
public sealed record DkimZoneSetup(DkimRecordMode ConfiguredMode, string? Zone, string? ZoneSource, string? Problem)
{
    /// <summary>The label put in front of the public host name for the default zone: <c>dkim.HOST</c>, like SES's <c>dkim.amazonses.com</c>.</summary>
    public const string DefaultZoneLabel = "dkim";

    /// <summary>The mode in effect: CNAME only with a zone.</summary>
    public DkimRecordMode Mode => Zone is null ? DkimRecordMode.Txt : DkimRecordMode.Cname;

    /// <summary>
    /// <list type="bullet">
    /// <item><c>Txt</c>: TXT mode, no zone.</item>
    /// <item><c>Cname</c> with <c>Dns:DkimZone</c> set: that zone (a configuration error when it is not a domain name).</item>
    /// <item><c>Cname</c> without it: <c>dkim.</c> + the host of <c>Console:PublicBaseUrl</c> when that host is a public
    /// domain name (not an IP address, not <c>localhost</c>); otherwise no zone and a <see cref="Problem"/> that says what
    /// to set. Owners are asked for TXT records until then, so nothing breaks.</item>
    /// </list>
    /// </summary>
    public static DkimZoneSetup Resolve(DkimRecordMode mode, string? configuredZone, string? publicBaseUrl)
    {
        if (mode == DkimRecordMode.Txt)
        {
            return new DkimZoneSetup(mode, null, null, null);
        }

        if (!string.IsNullOrWhiteSpace(configuredZone))
        {
            var zone = SendingIdentityName.ParseDomain(configuredZone);
            return zone.IsSuccess
                ? new DkimZoneSetup(mode, zone.Value.Value, $"{DnsOptions.SectionName}:DkimZone", null)
                : throw new InvalidOperationException($"{DnsOptions.SectionName}:DkimZone: {zone.Error.Message}");
        }

        if (Uri.TryCreate(publicBaseUrl?.Trim(), UriKind.Absolute, out var uri) && uri.HostNameType == UriHostNameType.Dns && !IsLocal(uri.IdnHost)
            && SendingIdentityName.ParseDomain($"{DefaultZoneLabel}.{uri.IdnHost}") is { IsSuccess: true } derived)
        {
            return new DkimZoneSetup(mode, derived.Value.Value, "Console:PublicBaseUrl", null);
        }

        var why = string.IsNullOrWhiteSpace(publicBaseUrl)
            ? "Console:PublicBaseUrl is not set either"
            : $"Console:PublicBaseUrl ({publicBaseUrl.Trim()}) names no public host to derive {DefaultZoneLabel}.HOST from";
        return new DkimZoneSetup(mode, null, null,
            $"Easy DKIM is in CNAME mode (Dns:DkimMode), but there is no DKIM zone: Dns:DkimZone is not set and {why}. " +
            "Until one is set, owners are asked for the key TXT records instead of CNAMEs. Set Dns:DkimZone to a zone you run " +
            $"(or Console:PublicBaseUrl, for {DefaultZoneLabel}.HOST), or set Dns:DkimMode to Txt to keep TXT records on purpose.");
    }

    private static bool IsLocal(string host) =>
        IPAddress.TryParse(host, out _)
        || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
}
