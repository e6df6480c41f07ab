namespace SesConsole.Domain.Sending;

/// <summary>
/// The per-message return address (the SMTP <c>MAIL FROM</c>, VERP) of accepted mail (docs/reputation.md#return-addresses-verp).
/// The pipeline composes <c>{local part}@{domain}</c>; the local part carries a keyed tag the installation's key makes,
/// so the web layer implements this port and the domain never touches the key.
/// </summary>
public interface IReturnAddresses
{
    /// <summary>
    /// The installation's bounce domain (<c>Feedback:ReturnPathDomain</c>), or null for <c>{region}.{DefaultMailFromDomain}</c>.
    /// A verified custom MAIL FROM domain always wins over it, as in SES.
    /// </summary>
    string? ReturnPathDomain { get; }

    /// <summary>The local part of the return address of <paramref name="messageId"/>.</summary>
    ValueTask<string> LocalPartAsync(string messageId, CancellationToken cancellationToken);
}

/// <summary>Untagged return addresses (<c>{messageId}@…</c>): what the pipeline uses when no one supplies tagged ones. Nothing can verify them.</summary>
public sealed class UntaggedReturnAddresses : IReturnAddresses
{
    public static readonly UntaggedReturnAddresses Instance = new();

    public string? ReturnPathDomain => null;

    public ValueTask<string> LocalPartAsync(string messageId, CancellationToken cancellationToken) => ValueTask.FromResult(messageId);
}
