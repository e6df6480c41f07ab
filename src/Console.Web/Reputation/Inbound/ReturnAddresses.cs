using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Reputation.Inbound;

/// <summary>
/// A return address taken apart: <c>{messageId}-{tag}@{domain}</c> (docs/reputation.md#return-addresses-verp). Only the
/// shape is checked here; <see cref="ReturnAddresses.Verify"/> checks the tag.
/// </summary>
public sealed record ReturnAddress(string MessageId, string Tag, string Domain)
{
    /// <summary>Base32 characters of the tag (50 bits of the HMAC).</summary>
    public const int TagLength = 10;

    /// <summary>Reads <paramref name="address"/>, case-insensitively (some MTAs change the case of a local part).</summary>
    public static bool TryParse(string? address, [NotNullWhen(true)] out ReturnAddress? parsed)
    {
        parsed = null;
        var at = address?.LastIndexOf('@') ?? -1;
        if (address is null || at <= 0 || at == address.Length - 1 || address.Length > 320)
        {
            return false;
        }

        var local = address[..at].ToLowerInvariant();
        var dash = local.LastIndexOf('-');
        if (dash <= 0 || local.Length - dash - 1 != TagLength)
        {
            return false;
        }

        var tag = local[(dash + 1)..];
        var messageId = local[..dash];
        if (!tag.All(c => c is (>= 'a' and <= 'z') or (>= '2' and <= '7')) || !messageId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return false;
        }

        parsed = new ReturnAddress(messageId, tag, address[(at + 1)..].ToLowerInvariant());
        return true;
    }
}

/// <summary>
/// The installation's return addresses (docs/reputation.md#return-addresses-verp): the pipeline's
/// <see cref="IReturnAddresses"/> (the local part <c>{messageId}-{tag}</c>, the tag being the first 50 bits of
/// HMAC-SHA256 over the message ID under the installation key, in lower-case base32) and the check of an address that
/// mail arrives for. The key is 32 random bytes, made on first use and kept in <c>InstallationSecrets</c> protected by
/// ASP.NET Data Protection; two nodes making it at once both end up with the one stored first.
/// </summary>
public sealed class ReturnAddresses(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    IOptions<FeedbackOptions> options,
    TimeProvider time) : IReturnAddresses, IDisposable
{
    /// <summary>The key's name in <c>InstallationSecrets</c>.</summary>
    public const string KeyName = "ReturnAddressKey";

    private const string Purpose = "SesConsole.Reputation.ReturnAddressKey.v1";
    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public string? ReturnPathDomain => string.IsNullOrWhiteSpace(options.Value.ReturnPathDomain) ? null : options.Value.ReturnPathDomain.Trim().ToLowerInvariant();

    public async ValueTask<string> LocalPartAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        return $"{messageId}-{Tag(await KeyAsync(cancellationToken), messageId)}";
    }

    /// <summary>
    /// The message ID of <paramref name="address"/> when it is a return address this installation made (its tag matches,
    /// compared in constant time); null otherwise. The domain is not checked here: the caller compares the whole address
    /// with the message's stored envelope sender.
    /// </summary>
    public async ValueTask<string?> VerifyAsync(string? address, CancellationToken cancellationToken)
    {
        if (!ReturnAddress.TryParse(address, out var parsed))
        {
            return null;
        }

        var expected = Encoding.ASCII.GetBytes(Tag(await KeyAsync(cancellationToken), parsed.MessageId));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parsed.Tag)) ? parsed.MessageId : null;
    }

    public void Dispose() => _gate.Dispose();

    private static string Tag(byte[] key, string messageId)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(messageId.ToLowerInvariant()), mac);
        var bits = 0UL;
        for (var i = 0; i < 7; i++)
        {
            bits = (bits << 8) | mac[i];
        }

        // 56 bits read; the top 50 make ten base32 characters.
        var tag = new char[ReturnAddress.TagLength];
        for (var i = 0; i < tag.Length; i++)
        {
            tag[i] = Base32[(int)((bits >> (51 - (5 * i))) & 31)];
        }

        return new string(tag);
    }

    private async ValueTask<byte[]> KeyAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _key) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_key is not null)
            {
                return _key;
            }

            var stored = await ReadAsync(ct);
            if (stored is null)
            {
                await TryCreateAsync(ct);
                stored = await ReadAsync(ct) ?? throw new InvalidOperationException("The return address key was not stored.");
            }

            Volatile.Write(ref _key, Convert.FromBase64String(_protector.Unprotect(stored)));
            return _key!;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string?> ReadAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.InstallationSecrets.AsNoTracking().Where(s => s.Name == KeyName).Select(s => s.ProtectedValue).FirstOrDefaultAsync(ct);
    }

    private async Task TryCreateAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.InstallationSecrets.Add(new InstallationSecretEntity
        {
            Name = KeyName, ProtectedValue = _protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), CreatedAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node stored its key first; that one is used.
        }
    }
}
