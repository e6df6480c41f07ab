using MimeKit;
using MimeKit.Cryptography;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Sending.Mime;

/// <summary>The owner's DKIM key to sign with: domain, selector and private key (PEM).</summary>
public sealed record DkimSigningKey(string Domain, string Selector, string PrivateKeyPem)
{
    /// <summary>A signer for this key (relaxed/relaxed, rsa-sha256). It is reusable and safe to share: each signature gets its own context.</summary>
    public DkimSigner CreateSigner() =>
        new NativeDkimSigner(PrivateKeyPem, Domain, Selector)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
}

/// <summary>
/// MIME work after the send pipeline accepted a message (parsing for its decisions is <see cref="MimeKitParser"/>):
/// finalize it — strip every X-SES-* header, set Message-ID and Date, and DKIM-sign with the owner's key
/// (relaxed/relaxed, rsa-sha256, the usual header set) when the owner enabled signing.
/// </summary>
public static class MimeProcessing
{
    private static readonly FormatOptions Wire = CreateWireFormat();

    private static readonly HeaderId[] SignedHeaders =
    [
        HeaderId.From, HeaderId.To, HeaderId.Cc, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId,
        HeaderId.ReplyTo, HeaderId.MimeVersion, HeaderId.ContentType, HeaderId.ContentTransferEncoding,
    ];

    /// <summary>The accepted message as delivered: X-SES-* stripped, Message-ID and Date set, optionally DKIM-signed.</summary>
    public static byte[] Finalize(byte[] mime, string messageId, DateTimeOffset date, DkimSigningKey? dkim)
    {
        using var input = new MemoryStream(mime, writable: false);
        var message = MimeMessage.Load(input);
        return Finalize(message, messageId, date, dkim);
    }

    public static byte[] Finalize(MimeMessage message, string messageId, DateTimeOffset date, DkimSigningKey? dkim) =>
        Finalize(message, messageId, date, dkim?.CreateSigner());

    public static byte[] Finalize(MimeMessage message, string messageId, DateTimeOffset date, DkimSigner? dkim)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var header in message.Headers.Where(h => h.Field.StartsWith("X-SES-", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            message.Headers.Remove(header);
        }

        message.MessageId = messageId;
        message.Date = date;
        if (dkim is not null)
        {
            message.Prepare(EncodingConstraint.SevenBit);
            dkim.Sign(Wire, message, SignedHeaders);
        }

        using var output = new MemoryStream();
        message.WriteTo(Wire, output);
        return output.ToArray();
    }

    private static FormatOptions CreateWireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}
