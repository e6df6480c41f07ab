using System.Globalization;

namespace SesConsole.Domain.Identities;

/// <summary>
/// Which verified identity lets an address send. A domain identity covers addresses of that domain and of every
/// subdomain (case-insensitive). An address identity covers exactly that address (case-sensitive) and its plus-label
/// variants: <c>sender+tag@example.com</c> is covered by <c>sender@example.com</c>.
/// </summary>
/// <remarks>See <c>creating-identities</c> ("most specific identity") in the SES developer guide.</remarks>
public static class IdentityCoverage
{
    private static readonly IdnMapping Idn = new();

    /// <summary>Whether <paramref name="identity"/> covers <paramref name="address"/>; a malformed address is covered by nothing.</summary>
    public static bool Covers(SendingIdentityName identity, string address) => Rank(identity, address) > 0;

    /// <summary>Whether the identity named <paramref name="identityName"/> covers <paramref name="address"/>; an invalid name covers nothing.</summary>
    public static bool Covers(string identityName, string address) =>
        SendingIdentityName.Parse(identityName).TryGetValue(out var identity) && Covers(identity, address);

    /// <summary>
    /// The most specific of <paramref name="verifiedIdentities"/> covering <paramref name="address"/>: the address itself,
    /// then the address without its plus label, then the deepest subdomain, then parent domains. <see langword="null"/>
    /// when none covers it.
    /// </summary>
    public static SendingIdentityName? MostSpecific(IEnumerable<SendingIdentityName> verifiedIdentities, string address)
    {
        ArgumentNullException.ThrowIfNull(verifiedIdentities);
        SendingIdentityName? best = null;
        var bestRank = 0;
        foreach (var identity in verifiedIdentities)
        {
            var rank = Rank(identity, address);
            if (rank > bestRank)
            {
                best = identity;
                bestRank = rank;
            }
        }

        return best;
    }

    /// <summary>Same as the typed overload, over identity names; names that do not parse are ignored.</summary>
    public static string? MostSpecific(IEnumerable<string> verifiedIdentities, string address)
    {
        ArgumentNullException.ThrowIfNull(verifiedIdentities);
        var parsed = verifiedIdentities
            .Select(SendingIdentityName.Parse)
            .Where(r => r.IsSuccess)
            .Select(r => r.Value);
        return MostSpecific(parsed, address)?.Value;
    }

    // 0 = not covered. Domains rank by label count (at most 128), address identities above any domain.
    private static int Rank(SendingIdentityName identity, string address)
    {
        if (identity.Value is null || !TrySplit(address, out var local, out var domain))
        {
            return 0;
        }

        if (identity.IsDomain)
        {
            var asciiDomain = ToAscii(domain);
            var covered = string.Equals(asciiDomain, identity.Domain, StringComparison.OrdinalIgnoreCase)
                || asciiDomain.EndsWith("." + identity.Domain, StringComparison.OrdinalIgnoreCase);
            return covered ? identity.Domain.Count(c => c == '.') + 1 : 0;
        }

        if (!string.Equals(ToAscii(domain), identity.Domain, StringComparison.Ordinal))
        {
            return 0;
        }

        if (string.Equals(local, identity.LocalPart, StringComparison.Ordinal))
        {
            return 1002;
        }

        return local.StartsWith(identity.LocalPart + "+", StringComparison.Ordinal) ? 1001 : 0;
    }

    private static bool TrySplit(string address, out string local, out string domain)
    {
        local = domain = "";
        var trimmed = address?.Trim() ?? "";
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1)
        {
            return false;
        }

        local = trimmed[..at];
        domain = trimmed[(at + 1)..].TrimEnd('.');
        return true;
    }

    private static string ToAscii(string domain)
    {
        if (domain.All(char.IsAscii))
        {
            return domain;
        }

        try
        {
            return Idn.GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return domain;
        }
    }
}
