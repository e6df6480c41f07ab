using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;

namespace SesConsole.Web.Notifications.Delivery;

/// <summary>The key new SNS messages are signed with, and the name of its certificate in SigningCertURL.</summary>
public sealed record SnsSigningKey(string Name, RSA Rsa);

/// <summary>
/// The console's SNS signing keys (docs/notifications.md#signing): an RSA 2048 key with a self-signed X.509 certificate,
/// made on first use and kept in <c>SnsSigningKeys</c> with the private key protected by ASP.NET Data Protection (the
/// key ring beside the database). The current key signs; every key's certificate stays served so that messages signed
/// before a key change still verify. Two nodes that create a key at once both end up using the same one (the oldest
/// current key wins).
/// </summary>
public sealed class SnsSigningKeys(IDbContextFactory<ConsoleDbContext> dbFactory, IDataProtectionProvider dataProtection, TimeProvider time) : IDisposable
{
    private const string Purpose = "SesConsole.Notifications.SnsSigningKey.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, string> _certificates = new(StringComparer.Ordinal);
    private SnsSigningKey? _current;

    /// <summary>The current signing key, created (and stored) when there is none.</summary>
    public async Task<SnsSigningKey> GetCurrentAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _current) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_current is not null)
            {
                return _current;
            }

            var row = await ReadCurrentAsync(ct);
            if (row is null)
            {
                await CreateAsync(ct);
                row = await ReadCurrentAsync(ct) ?? throw new InvalidOperationException("The new SNS signing key was not stored.");
            }

            var rsa = RSA.Create();
            rsa.ImportFromPem(_protector.Unprotect(row.ProtectedPrivateKey));
            Volatile.Write(ref _current, new SnsSigningKey(row.Name, rsa));
            _certificates.TryAdd(row.Name, row.CertificatePem);
            return _current!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The certificate PEM of the key named <paramref name="name"/> (current or older), or null.</summary>
    public async Task<string?> GetCertificatePemAsync(string name, CancellationToken ct)
    {
        if (_certificates.TryGetValue(name, out var pem))
        {
            return pem;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        pem = await db.SnsSigningKeys.AsNoTracking().Where(k => k.Name == name).Select(k => k.CertificatePem).FirstOrDefaultAsync(ct);
        if (pem is not null)
        {
            _certificates.TryAdd(name, pem);
        }

        return pem;
    }

    public void Dispose()
    {
        _gate.Dispose();
        _current?.Rsa.Dispose();
    }

    private async Task<SnsSigningKeyEntity?> ReadCurrentAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = await db.SnsSigningKeys.AsNoTracking().Where(k => k.IsCurrent).ToListAsync(ct);
        return current.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id).FirstOrDefault();
    }

    private async Task CreateAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        using var rsa = RSA.Create(2048);
        var id = Guid.CreateVersion7(now);
        var name = $"SimpleNotificationService-{id:N}";
        var request = new CertificateRequest($"CN=SesConsole SNS signing {id:N}, O=SesConsole", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.SnsSigningKeys.Add(new SnsSigningKeyEntity
        {
            Id = id, Name = name, ProtectedPrivateKey = _protector.Protect(rsa.ExportPkcs8PrivateKeyPem()),
            CertificatePem = certificate.ExportCertificatePem() + "\n", CreatedAt = now, IsCurrent = true,
        });
        await db.SaveChangesAsync(ct);
    }
}
