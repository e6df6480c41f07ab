using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using SesConsole.Domain.Identities;
using SesConsole.Web.Sending.Mime;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Tests.Sending;

public sealed class MimeProcessingTests
{
    private static readonly byte[] Raw = Encoding.ASCII.GetBytes(
        "From: Marketing Team <news@example.com>\r\n" +
        "To: a@customer.example, \"B\" <b@customer.example>\r\n" +
        "Cc: c@customer.example\r\n" +
        "Subject: Autumn sale\r\n" +
        "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:111111111111:identity/example.com\r\n" +
        "X-SES-FROM-ARN: arn:aws:ses:us-east-1:111111111111:identity/example.com\r\n" +
        "X-SES-RETURN-PATH-ARN: arn:aws:ses:us-east-1:111111111111:identity/example.com\r\n" +
        "X-SES-CONFIGURATION-SET: cs1\r\n" +
        "Return-Path: <bounces@example.com>\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" +
        "Everything must go.\r\n");

    [Fact]
    public void MimeKitParser_reads_from_display_name_return_path_recipients_and_ses_headers_in_order()
    {
        var parsed = new MimeKitParser().Parse(Raw).GetValueOrThrow();

        Assert.Equal("news@example.com", parsed.FromAddress);
        Assert.Equal("Marketing Team", parsed.FromDisplayName);
        Assert.Equal("bounces@example.com", parsed.ReturnPath);
        Assert.Equal(["a@customer.example", "b@customer.example", "c@customer.example"], [.. parsed.To, .. parsed.Cc, .. parsed.Bcc]);
        Assert.Equal(["X-SES-SOURCE-ARN", "X-SES-FROM-ARN", "X-SES-RETURN-PATH-ARN", "X-SES-CONFIGURATION-SET"],
            parsed.Headers.Where(h => h.Name.StartsWith("X-SES-", StringComparison.OrdinalIgnoreCase)).Select(h => h.Name.ToUpperInvariant()));
        Assert.Equal(Raw.Length, parsed.SizeBytes);
    }

    [Fact]
    public void Finalize_strips_ses_headers_sets_id_and_date_and_signs_with_a_key_that_verifies()
    {
        var key = DkimKeyGenerator.Generate(1024).GetValueOrThrow();
        var date = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

        var bytes = MimeProcessing.Finalize(Raw, "0100019a-test@us-east-1.sesconsole", date, new DkimSigningKey("example.com", "sel1", key.PrivateKeyPem));

        var message = MimeMessage.Load(new MemoryStream(bytes), Xunit.TestContext.Current.CancellationToken);
        Assert.DoesNotContain(message.Headers, h => h.Field.StartsWith("X-SES-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("0100019a-test@us-east-1.sesconsole", message.MessageId);
        Assert.Equal(date, message.Date);
        var signature = message.Headers.Single(h => h.Id == HeaderId.DkimSignature);
        Assert.Contains("d=example.com", signature.Value, StringComparison.Ordinal);
        Assert.Contains("s=sel1", signature.Value, StringComparison.Ordinal);
        var verifier = new DkimVerifier(new PublishedKey("sel1._domainkey.example.com", DkimRecord.TxtValue(key.PublicKey)));
        Assert.True(verifier.Verify(message, signature, Xunit.TestContext.Current.CancellationToken));

        message.Subject = "tampered";
        Assert.False(verifier.Verify(message, signature, Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public void NativeDkimSigner_signs_exactly_as_MimeKits_own_signer_and_one_instance_is_safe_to_share()
    {
        var key = DkimKeyGenerator.Generate(2048).GetValueOrThrow();
        var native = new DkimSigningKey("example.com", "sel1", key.PrivateKeyPem).CreateSigner();
        var bouncy = new DkimSigner(new MemoryStream(Encoding.ASCII.GetBytes(key.PrivateKeyPem)), "example.com", "sel1", DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        var headers = new[] { HeaderId.From, HeaderId.To, HeaderId.Subject };
        string Sign(DkimSigner signer, int n)
        {
            var message = MimeMessage.Load(new MemoryStream(Raw));
            message.Subject = "Message " + n;
            signer.Sign(message, headers);
            var value = message.Headers[HeaderId.DkimSignature]!;
            return value[value.IndexOf("b=", StringComparison.Ordinal)..]; // t= is the signing second; b= is the RSA signature
        }

        // RSA PKCS#1 v1.5 is deterministic: the same key over the same canonical text (t= included, hence the retry should
        // a second tick between the two signatures) gives the same b= bytes.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var expected = Sign(bouncy, 0);
            var actual = Sign(native, 0);
            if (expected == actual)
            {
                break;
            }

            Assert.True(attempt < 2, "the native signature differs from MimeKit's (retried in case a second ticked between them)");
        }

        var verifier = new DkimVerifier(new PublishedKey("sel1._domainkey.example.com", DkimRecord.TxtValue(key.PublicKey)));
        var shared = Enumerable.Range(0, 16).AsParallel().Select(n =>
        {
            var message = MimeMessage.Load(new MemoryStream(Raw));
            message.Subject = "Parallel " + n;
            native.Sign(message, headers);
            return verifier.Verify(message, message.Headers.Single(h => h.Id == HeaderId.DkimSignature));
        }).ToList();
        Assert.All(shared, Assert.True);
    }

    [Fact]
    public void Finalize_without_a_key_does_not_sign()
    {
        var bytes = MimeProcessing.Finalize(Raw, "x@sesconsole", DateTimeOffset.UnixEpoch, dkim: null);

        Assert.DoesNotContain(MimeMessage.Load(new MemoryStream(bytes), Xunit.TestContext.Current.CancellationToken).Headers, h => h.Id == HeaderId.DkimSignature);
    }

    [Fact]
    public void Parse_garbage_is_MessageRejected_not_an_exception()
    {
        var result = new MimeKitParser().Parse(new byte[] { 0xff, 0xfe, 0x00, 0x01 });

        // MimeKit reads anything leniently; what matters is no exception and no From address to authorize against.
        Assert.Null(result.Value?.FromAddress);
    }

    /// <summary>Resolves the one published DKIM record, as DNS would (the value is the TXT the owner publishes).</summary>
    private sealed class PublishedKey(string name, string txt) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            $"{selector}._domainkey.{domain}" == name ? GetPublicKey(txt) : throw new InvalidOperationException($"no key at {selector}._domainkey.{domain}");

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
