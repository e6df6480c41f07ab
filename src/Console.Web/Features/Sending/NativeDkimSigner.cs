using System.Security.Cryptography;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace SesConsole.Web.Features.Sending;

/// <summary>
/// MimeKit's DKIM signer with the RSA operation done by the platform (OpenSSL here) instead of BouncyCastle: same
/// canonicalization and header, about ten times less CPU per RSA-2048 signature, which was most of a signed send's
/// cost. Each signature gets its own context and its own <see cref="RSA"/>, so one signer is safe to share.
/// </summary>
public sealed class NativeDkimSigner : DkimSigner
{
    private readonly RSAParameters _key;

    public NativeDkimSigner(string privateKeyPem, string domain, string selector)
        : base(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(privateKeyPem)), domain, selector, DkimSignatureAlgorithm.RsaSha256)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        _key = rsa.ExportParameters(includePrivateParameters: true);
    }

    protected override ISigner CreateSigningContext() => SignatureAlgorithm == DkimSignatureAlgorithm.RsaSha256
        ? new Context(_key)
        : base.CreateSigningContext();

    /// <summary>One RSA-SHA256 signature: the canonicalized headers are hashed as they stream in, then signed.</summary>
    private sealed class Context(RSAParameters key) : ISigner
    {
        private IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string AlgorithmName => "SHA256withRSA";

        public void Init(bool forSigning, ICipherParameters parameters)
        {
        }

        public void Update(byte input) => _hash.AppendData([input]);

        public void BlockUpdate(byte[] input, int inOff, int inLen) => _hash.AppendData(input, inOff, inLen);

        public void BlockUpdate(ReadOnlySpan<byte> input) => _hash.AppendData(input);

        public int GetMaxSignatureSize() => key.Modulus!.Length;

        public byte[] GenerateSignature()
        {
            using var rsa = RSA.Create(key);
            return rsa.SignHash(Final(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        public bool VerifySignature(byte[] signature)
        {
            using var rsa = RSA.Create(key);
            return rsa.VerifyHash(Final(), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        private byte[] Final()
        {
            var digest = _hash.GetHashAndReset();
            _hash.Dispose(); // MimeKit never disposes a signing context: release the native hash now
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            return digest;
        }

        public void Reset()
        {
            _hash.Dispose();
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }
}
