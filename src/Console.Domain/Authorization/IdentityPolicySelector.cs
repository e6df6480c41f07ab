using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Authorization;

/// <summary>
/// Picks whose policies apply to an address (docs/ses-behaviour.md#policy-selection): among the owner's verified identities that cover the address and
/// have at least one policy, the most specific wins. An address identity beats any domain; a longer domain beats a
/// shorter one; a domain covers its subdomains. Domains compare case-insensitively; an address's local part is
/// case-sensitive.
/// </summary>
public static class IdentityPolicySelector
{
    /// <summary>The most specific identity that covers <paramref name="address"/> and has policies.</summary>
    /// <typeparam name="T">The caller's identity row (for example one holding a <c>CompiledPolicySet</c>).</typeparam>
    /// <param name="identities">The owner's <em>verified</em> identities.</param>
    /// <param name="identityName">The identity's name: an email address or a domain.</param>
    /// <param name="policyCount">How many policies the identity has.</param>
    /// <param name="address">The address being sent from (From or Return-Path).</param>
    /// <returns>The identity, or <c>authorization.no_applicable_identity</c> (the request is then implicitly denied).</returns>
    public static Result<T> Select<T>(IEnumerable<T> identities, Func<T, string> identityName, Func<T, int> policyCount, string address)
    {
        ArgumentNullException.ThrowIfNull(identities);
        ArgumentNullException.ThrowIfNull(identityName);
        ArgumentNullException.ThrowIfNull(policyCount);
        var best = default(T);
        var bestScore = -1;
        foreach (var identity in identities)
        {
            if (policyCount(identity) <= 0)
            {
                continue;
            }

            var score = Specificity(identityName(identity) ?? "", address ?? "");
            if (score > bestScore)
            {
                bestScore = score;
                best = identity;
            }
        }

        return bestScore >= 0
            ? Result<T>.Success(best!)
            : Result<T>.Failure("authorization.no_applicable_identity",
                $"No verified identity with sending authorization policies covers '{address}'.");
    }

    /// <summary>
    /// How specifically <paramref name="identity"/> covers <paramref name="address"/>: -1 when it does not; an address
    /// identity scores highest; a domain scores by its length.
    /// </summary>
    public static int Specificity(string identity, string address)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return -1;
        }

        var domain = address.AsSpan(at + 1);
        var identityAt = identity.LastIndexOf('@');
        if (identityAt >= 0)
        {
            return identityAt == at &&
                   identity.AsSpan(0, identityAt).SequenceEqual(address.AsSpan(0, at)) &&
                   identity.AsSpan(identityAt + 1).Equals(domain, StringComparison.OrdinalIgnoreCase)
                ? int.MaxValue
                : -1;
        }

        var id = identity.AsSpan().TrimEnd('.');
        domain = domain.TrimEnd('.');
        if (id.Length == 0)
        {
            return -1;
        }

        if (domain.Equals(id, StringComparison.OrdinalIgnoreCase))
        {
            return id.Length;
        }

        return domain.Length > id.Length && domain[domain.Length - id.Length - 1] == '.' &&
               domain[^id.Length..].Equals(id, StringComparison.OrdinalIgnoreCase)
            ? id.Length
            : -1;
    }
}
