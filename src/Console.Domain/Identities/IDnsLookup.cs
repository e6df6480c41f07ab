namespace SesConsole.Domain.Identities;

/// <summary>
/// Port: DNS queries the domain checks need. Implementations query without a cache so that "check now" sees what is
/// published, and never throw for DNS problems: they report them as <see cref="DnsLookupOutcome.Failed"/>.
/// </summary>
public interface IDnsLookup
{
    /// <summary>TXT records at <paramref name="name"/>, each one's character-strings joined into one value.</summary>
    Task<DnsLookupResult<string>> TxtAsync(string name, CancellationToken cancellationToken);

    /// <summary>The CNAME target of <paramref name="name"/> (no trailing dot).</summary>
    Task<DnsLookupResult<string>> CnameAsync(string name, CancellationToken cancellationToken);

    Task<DnsLookupResult<MxRecord>> MxAsync(string name, CancellationToken cancellationToken);
}

public enum DnsLookupOutcome
{
    /// <summary>The server answered with at least one record of the asked type.</summary>
    Found = 1,

    /// <summary>The server answered authoritatively that there is none: NXDOMAIN, or the name exists without that type (NODATA).</summary>
    NotFound = 2,

    /// <summary>No usable answer: timeout, SERVFAIL, REFUSED, network error. Says nothing about the records.</summary>
    Failed = 3,
}

/// <summary>An MX record: preference and exchange host (no trailing dot).</summary>
public readonly record struct MxRecord(int Preference, string Exchange)
{
    public override string ToString() => $"{Preference} {Exchange}";
}

/// <summary>The answer to one DNS query: the records, or not found, or failed (with a human <see cref="Detail"/>).</summary>
public sealed record DnsLookupResult<T>(DnsLookupOutcome Outcome, IReadOnlyList<T> Records, string? Detail = null)
{
    public static DnsLookupResult<T> Found(IReadOnlyList<T> records) =>
        records is { Count: > 0 } ? new(DnsLookupOutcome.Found, records) : NotFound("no records of that type");

    public static DnsLookupResult<T> NotFound(string detail) => new(DnsLookupOutcome.NotFound, [], detail);

    public static DnsLookupResult<T> Failed(string detail) => new(DnsLookupOutcome.Failed, [], detail);
}
