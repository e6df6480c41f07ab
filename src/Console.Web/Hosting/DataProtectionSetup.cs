using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;

namespace SesConsole.Web.Hosting;

/// <summary>
/// Section <c>DataProtection:Certificate</c> (docs/deployment.md#data-protection): the certificate (a PFX file with its
/// private key) that encrypts the Data Protection keys stored in the database, and earlier certificates that still
/// decrypt keys written before a rotation.
/// </summary>
public sealed class DataProtectionCertificateOptions
{
    public const string SectionName = "DataProtection:Certificate";

    /// <summary>The PFX file; without it keys are stored unencrypted (a warning at every start says so).</summary>
    public string? Path { get; set; }

    public string? Password { get; set; }

    /// <summary>Certificates used before, kept for decrypting older keys (their password defaults to <see cref="Password"/>).</summary>
    public List<PreviousCertificate> Previous { get; set; } = [];

    public sealed class PreviousCertificate
    {
        public string? Path { get; set; }

        public string? Password { get; set; }
    }
}

/// <summary>Where the key ring lived before it moved into the database, and whether keys are encrypted at rest.</summary>
public sealed record DataProtectionStorage(string LegacyKeyDirectory, string? CertificateThumbprint);

/// <summary>The Data Protection key ring in the database, shared by every node (docs/deployment.md#data-protection).</summary>
public static class DataProtectionSetup
{
    /// <summary>The application discriminator: every node (and every earlier version) must use the same one.</summary>
    public const string ApplicationName = "SesConsole";

    /// <summary>
    /// Data Protection with its keys in <see cref="ConsoleDbContext.DataProtectionKeys"/>, encrypted with the configured
    /// certificate when there is one. A configured certificate that cannot be loaded stops the start, naming the setting.
    /// </summary>
    public static IServiceCollection AddConsoleDataProtection(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        var dataProtection = services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<ConsoleDbContext>();

        var settings = configuration.GetSection(DataProtectionCertificateOptions.SectionName).Get<DataProtectionCertificateOptions>() ?? new DataProtectionCertificateOptions();
        X509Certificate2? current = null;
        if (!string.IsNullOrWhiteSpace(settings.Path))
        {
            current = Load(settings.Path, settings.Password, $"{DataProtectionCertificateOptions.SectionName}:Path");
            var previous = settings.Previous.Select((p, i) => string.IsNullOrWhiteSpace(p.Path)
                ? throw new InvalidOperationException($"{DataProtectionCertificateOptions.SectionName}:Previous:{i}:Path is empty.")
                : Load(p.Path, p.Password ?? settings.Password, $"{DataProtectionCertificateOptions.SectionName}:Previous:{i}:Path"));
            dataProtection.ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate([current, .. previous]);
        }
        else if (settings.Previous.Count > 0)
        {
            throw new InvalidOperationException($"{DataProtectionCertificateOptions.SectionName}:Previous is set but {DataProtectionCertificateOptions.SectionName}:Path is not.");
        }

        services.AddSingleton(new DataProtectionStorage(System.IO.Path.Combine(dataDirectory, "keys"), current?.Thumbprint));
        services.AddScoped<DataProtectionKeyImport>();
        return services;
    }

    private static X509Certificate2 Load(string path, string? password, string setting)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{setting}: the certificate file '{path}' does not exist.");
        }

        X509Certificate2 certificate;
        try
        {
            // Ephemeral: the private key stays in memory (no key file left in a user profile); macOS does not offer it.
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password,
                OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"{setting}: '{path}' could not be read as a PFX file with the configured password: {e.Message}", e);
        }

        return certificate.HasPrivateKey ? certificate
            : throw new InvalidOperationException($"{setting}: '{path}' holds no private key; the key ring could be encrypted but never read back.");
    }
}

/// <summary>
/// Runs at start after the migrations, before anything protects a secret (docs/deployment.md#data-protection): warns when
/// keys are stored unencrypted, and brings an installation's file key ring (<c>DATADIR/keys/*.xml</c>, where keys lived
/// before they moved to the database) into the database once, while the database holds no key, so that the secrets
/// those keys protect keep decrypting; with a certificate configured their key material is encrypted on the way in. The
/// files are left in place.
/// </summary>
public sealed class DataProtectionKeyImport(IDbContextFactory<ConsoleDbContext> dbFactory, DataProtectionStorage storage,
    IOptions<KeyManagementOptions> keyManagement, ILogger<DataProtectionKeyImport> logger)
{
    // As Data Protection writes keys (XmlKeyManager): a secret element marked requiresEncryption is replaced by an
    // encryptedSecret element naming its decryptor.
    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtectionNamespace + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtectionNamespace + "encryptedSecret";

    public async Task RunAsync(CancellationToken ct = default)
    {
        if (storage.CertificateThumbprint is null)
        {
            logger.LogWarning("Data Protection keys are stored in the database UNENCRYPTED: whoever reads the database (or a backup) can decrypt " +
                "access-key secrets, DKIM and SNS signing keys and forge sign-in cookies. Set DataProtection:Certificate:Path and " +
                "DataProtection:Certificate:Password to a PFX file to encrypt them (docs/deployment.md#data-protection).");
        }
        else
        {
            logger.LogInformation("Data Protection keys are encrypted with the certificate {Thumbprint}", storage.CertificateThumbprint);
        }

        var directory = storage.LegacyKeyDirectory;
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.xml").Order(StringComparer.Ordinal).ToArray() : [];
        if (files.Length == 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.DataProtectionKeys.AnyAsync(ct))
        {
            return;
        }

        foreach (var file in files)
        {
            // As FileSystemXmlRepository named them: the friendly name is the file name (key-{id}).
            var xml = Encrypt(XElement.Load(file));
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = Path.GetFileNameWithoutExtension(file), Xml = xml.ToString(SaveOptions.DisableFormatting) });
        }

        await db.SaveChangesAsync(ct);
        logger.LogInformation("Imported {Count} Data Protection key(s) from {Directory} into the database (once, because it held none; " +
            "{Stored}); the files are kept but no longer read (docs/deployment.md#data-protection)",
            files.Length, directory, keyManagement.Value.XmlEncryptor is null ? "stored unencrypted" : "encrypted with the certificate");
    }

    /// <summary>A file key's secret parts encrypted with the configured certificate, when there is one.</summary>
    private XElement Encrypt(XElement key)
    {
        if (keyManagement.Value.XmlEncryptor is not { } encryptor)
        {
            return key;
        }

        var secrets = key.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true && !e.Ancestors().Any(a => (bool?)a.Attribute(RequiresEncryption) == true)).ToList();
        foreach (var secret in secrets)
        {
            var encrypted = encryptor.Encrypt(new XElement(secret));
            secret.ReplaceWith(new XElement(EncryptedSecret, new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!), encrypted.EncryptedElement));
        }

        return key;
    }
}
