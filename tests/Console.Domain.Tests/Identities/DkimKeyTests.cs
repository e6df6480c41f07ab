using System.Security.Cryptography;
using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Tests.Identities;

public sealed class DkimKeyTests
{
    private static readonly Lazy<DkimKeyPair> Key1024 = new(() => DkimKeyGenerator.Generate(1024).GetValueOrThrow());

    [Theory]
    [InlineData(2048)]
    [InlineData(1024)]
    public void Generate_makes_a_key_of_that_size_whose_public_key_matches_the_private_key(int bits)
    {
        var pair = DkimKeyGenerator.Generate(bits).GetValueOrThrow();

        using var rsa = RSA.Create();
        rsa.ImportFromPem(pair.PrivateKeyPem);
        Assert.Equal(bits, rsa.KeySize);
        Assert.Equal(bits, pair.KeyLength);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pair.PrivateKeyPem, StringComparison.Ordinal);
        Assert.Equal(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()), pair.PublicKey);
        Assert.Equal($"v=DKIM1; k=rsa; p={pair.PublicKey}", pair.TxtValue);
        Assert.DoesNotContain("PRIVATE", pair.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_default_is_2048() => Assert.Equal(2048, DkimKeyGenerator.Generate().GetValueOrThrow().KeyLength);

    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    public void Generate_other_sizes_is_an_error(int bits) =>
        Assert.Equal("dkim.invalid_key_length", DkimKeyGenerator.Generate(bits).Error!.Code);

    [Fact]
    public void Parse_full_pem_gives_the_same_public_key()
    {
        var parsed = Byodkim.Parse(Key1024.Value.PrivateKeyPem).GetValueOrThrow();

        Assert.Equal(Key1024.Value.PublicKey, parsed.PublicKey);
        Assert.Equal(1024, parsed.KeyLength);
    }

    [Fact]
    public void Parse_bare_base64_without_lines_or_breaks_as_ses_asks()
    {
        var body = string.Concat(Key1024.Value.PrivateKeyPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));

        Assert.Equal(Key1024.Value.PublicKey, Byodkim.Parse(body).GetValueOrThrow().PublicKey);
    }

    [Fact]
    public void Parse_pkcs1_rsa_private_key_pem_is_accepted()
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(Key1024.Value.PrivateKeyPem);

        var parsed = Byodkim.Parse(rsa.ExportRSAPrivateKeyPem()).GetValueOrThrow();

        Assert.Equal(Key1024.Value.PublicKey, parsed.PublicKey);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not base64 at all!", "not valid base64")]
    [InlineData("aGVsbG8gd29ybGQ=", "not an RSA private key")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "public key")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", "encrypted")]
    public void Parse_malformed_is_an_error_saying_what_is_wrong(string text, string reason)
    {
        var result = Byodkim.Parse(text);

        Assert.Equal("dkim.invalid_private_key", result.Error!.Code);
        Assert.Contains(reason, result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(4096)]
    public void Parse_key_outside_1024_to_2048_bits_is_an_error(int bits)
    {
        using var rsa = RSA.Create(bits);

        var result = Byodkim.Parse(rsa.ExportPkcs8PrivateKeyPem());

        Assert.Equal("dkim.invalid_private_key", result.Error!.Code);
        Assert.Contains($"{bits} bits", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_published_record_with_that_key_in_several_forms()
    {
        var key = Key1024.Value;
        var p = key.PublicKey;
        var split = $"\"v=DKIM1; k=rsa; \" \"p={p[..100]}\" \"{p[100..]}\"";
        var spaced = $"v=DKIM1; k=rsa;  p = {p[..50]} {p[50..]}";

        Assert.True(Byodkim.Matches(key.TxtValue, key));
        Assert.True(Byodkim.Matches("p=" + p, key));
        Assert.True(Byodkim.Matches(split, key));
        Assert.True(Byodkim.Matches(spaced, key));
    }

    [Fact]
    public void Matches_record_publishing_the_pkcs1_form_of_the_key()
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(Key1024.Value.PrivateKeyPem);

        Assert.True(Byodkim.Matches("v=DKIM1; p=" + Convert.ToBase64String(rsa.ExportRSAPublicKey()), Key1024.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v=DKIM1; k=rsa;")]
    [InlineData("v=DKIM1; k=rsa; p=")]
    [InlineData("v=DKIM1; k=rsa; p=@@@")]
    public void Matches_record_without_a_usable_key_is_false(string txt) => Assert.False(Byodkim.Matches(txt, Key1024.Value));

    [Fact]
    public void Matches_record_with_another_key_is_false()
    {
        var other = DkimKeyGenerator.Generate(1024).GetValueOrThrow();

        Assert.False(Byodkim.Matches(other.TxtValue, Key1024.Value));
    }

    [Theory]
    [InlineData("selector1", true)]
    [InlineData("ses-2026", true)]
    [InlineData("", false)]
    [InlineData("-bad", false)]
    [InlineData("a.b", false)]
    [InlineData("under_score", false)]
    public void Selector_is_a_dns_label(string text, bool valid)
    {
        var result = DkimSelector.Parse(text);

        Assert.Equal(valid, result.IsSuccess);
        if (!valid)
        {
            Assert.Equal("dkim.invalid_selector", result.Error!.Code);
        }
    }

    [Fact]
    public void NewRandom_selector_is_a_valid_32_character_label()
    {
        var selector = DkimSelector.NewRandom();

        Assert.Equal(32, selector.Value.Length);
        Assert.True(DkimSelector.Parse(selector.Value).IsSuccess);
    }
}
