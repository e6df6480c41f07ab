using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SesConsole.Web.Features.Smtp;

/// <summary>The SMTP listener's TLS certificate: the configured PFX, or a self-signed one generated once into the data directory.</summary>
public static class SmtpCertificate
{
    public static X509Certificate2 Load(SmtpOptions options, string dataDirectory, TimeProvider time)
    {
        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
        }

        var path = Path.Combine(dataDirectory, "smtp-selfsigned.pfx");
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
            if (existing.NotAfter > time.GetUtcNow().UtcDateTime.AddDays(7))
            {
                return existing;
            }
        }

        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost, O=SesConsole (self-signed)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = time.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        var pfx = created.Export(X509ContentType.Pfx);
        File.WriteAllBytes(path, pfx);
        return X509CertificateLoader.LoadPkcs12(pfx, password: null);
    }
}
