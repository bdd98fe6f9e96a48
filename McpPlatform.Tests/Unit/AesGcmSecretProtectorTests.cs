using System.Security.Cryptography;
using System.Text;
using McpPlatform.Domain.Security;
using McpPlatform.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace McpPlatform.Tests.Unit;

/// <summary>AES-256-GCM at rest with a versioned key ring, bound to (user, server, field) (PRODUCT §3).</summary>
public sealed class AesGcmSecretProtectorTests
{
    private static readonly string Key1 = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string Key2 = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly SecretContext Context = new("user-1", "server-1", "access_token");

    private static AesGcmSecretProtector Protector(string active = "k1", params (string Id, string Key)[] keys)
    {
        var options = new EncryptionOptions { ActiveKeyId = active };
        foreach (var (id, key) in keys.Length == 0 ? [("k1", Key1)] : keys)
        {
            options.Keys[id] = key;
        }

        return new AesGcmSecretProtector(Options.Create(options));
    }

    [TestCase("a secret value")]
    [TestCase("")]
    [TestCase("ünïcödé 日本語 🔑")]
    public void RoundTrip_GivesThePlaintextBack(string plaintext)
    {
        var protector = Protector();

        var ciphertext = protector.Protect(plaintext, Context);

        Assert.That(protector.Unprotect(ciphertext, Context), Is.EqualTo(plaintext));
    }

    [Test]
    public void RoundTrip_LongValue()
    {
        var protector = Protector();
        var plaintext = new string('x', 100_000);

        Assert.That(protector.Unprotect(protector.Protect(plaintext, Context), Context), Is.EqualTo(plaintext));
    }

    [Test]
    public void Ciphertext_DoesNotContainThePlaintextBytes()
    {
        const string plaintext = "super-secret-refresh-token-value";
        var ciphertext = Protector().Protect(plaintext, Context);

        var plainBytes = Encoding.UTF8.GetBytes(plaintext);
        Assert.That(ciphertext.AsSpan().IndexOf(plainBytes), Is.EqualTo(-1));
        Assert.That(ciphertext.AsSpan().IndexOf(plainBytes.AsSpan(0, 8)), Is.EqualTo(-1), "not even a prefix");
    }

    [Test]
    public void Ciphertext_HasTheDocumentedLayout()
    {
        var ciphertext = Protector().Protect("abc", Context);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ciphertext[0], Is.EqualTo(1), "format byte");
            Assert.That(ciphertext[1], Is.EqualTo(2), "key id length");
            Assert.That(Encoding.UTF8.GetString(ciphertext, 2, 2), Is.EqualTo("k1"));
            Assert.That(ciphertext, Has.Length.EqualTo(2 + 2 + 12 + 16 + 3));
        }
    }

    [Test]
    public void TwoEncryptionsOfTheSameValue_Differ()
    {
        var protector = Protector();

        var first = protector.Protect("same", Context);
        var second = protector.Protect("same", Context);

        Assert.That(second, Is.Not.EqualTo(first));
    }

    [TestCase("user-2", "server-1", "access_token")]
    [TestCase("user-1", "server-2", "access_token")]
    [TestCase("user-1", "server-1", "refresh_token")]
    [TestCase("", "user-1server-1", "access_token")]
    public void OtherContext_FailsToDecrypt(string user, string server, string field)
    {
        var protector = Protector();
        var ciphertext = protector.Protect("secret", Context);

        Assert.That(() => protector.Unprotect(ciphertext, new SecretContext(user, server, field)), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void EveryFlippedByteAfterTheHeader_FailsToDecrypt()
    {
        var protector = Protector();
        var ciphertext = protector.Protect("secret", Context);

        for (var i = 2; i < ciphertext.Length; i++)
        {
            var tampered = (byte[])ciphertext.Clone();
            tampered[i] ^= 0x01;
            Assert.That(() => protector.Unprotect(tampered, Context), Throws.InstanceOf<CryptographicException>(), $"byte {i}");
        }
    }

    [Test]
    public void FlippedFormatByte_FailsToDecrypt()
    {
        var protector = Protector();
        var ciphertext = protector.Protect("secret", Context);
        ciphertext[0] = 2;

        Assert.That(() => protector.Unprotect(ciphertext, Context), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void TruncatedCiphertext_FailsToDecrypt()
    {
        var protector = Protector();
        var ciphertext = protector.Protect("secret", Context);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => protector.Unprotect(ciphertext[..20], Context), Throws.InstanceOf<CryptographicException>());
            Assert.That(() => protector.Unprotect(ciphertext[..1], Context), Throws.InstanceOf<CryptographicException>());
            Assert.That(() => protector.Unprotect([], Context), Throws.InstanceOf<CryptographicException>());
        }
    }

    [Test]
    public void PlaintextStoredAsIs_IsNeverReturned()
    {
        var protector = Protector();

        Assert.That(() => protector.Unprotect(Encoding.UTF8.GetBytes("plain-old-token"), Context), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void UnknownKeyId_FailsToDecrypt()
    {
        var ciphertext = Protector("k2", ("k2", Key2)).Protect("secret", Context);

        Assert.That(() => Protector().Unprotect(ciphertext, Context), Throws.InstanceOf<CryptographicException>().With.Message.Contains("k2"));
    }

    [Test]
    public void SameKeyIdWithOtherKeyMaterial_FailsToDecrypt()
    {
        var ciphertext = Protector("k1", ("k1", Key1)).Protect("secret", Context);

        Assert.That(() => Protector("k1", ("k1", Key2)).Unprotect(ciphertext, Context), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void AfterRotation_OldCiphertextsDecryptAndOnlyNewOnesAreUnderTheActiveKey()
    {
        var before = Protector("k1", ("k1", Key1));
        var old = before.Protect("old secret", Context);
        var after = Protector("k2", ("k1", Key1), ("k2", Key2));

        var fresh = after.Protect("new secret", Context);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(after.Unprotect(old, Context), Is.EqualTo("old secret"));
            Assert.That(after.Unprotect(fresh, Context), Is.EqualTo("new secret"));
            Assert.That(after.IsUnderActiveKey(old), Is.False);
            Assert.That(after.IsUnderActiveKey(fresh), Is.True);
            Assert.That(before.IsUnderActiveKey(old), Is.True);
            Assert.That(() => before.Unprotect(fresh, Context), Throws.InstanceOf<CryptographicException>());
        }
    }

    [Test]
    public void KeyIdIsBoundIntoTheCiphertext_RelabellingItFails()
    {
        // Both ids hold the same key material: only the associated data can tell them apart.
        var protector = Protector("a1", ("a1", Key1), ("b1", Key1));
        var ciphertext = protector.Protect("secret", Context);
        ciphertext[2] = (byte)'b';

        Assert.That(() => protector.Unprotect(ciphertext, Context), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void IsUnderActiveKey_GarbageThrows()
    {
        Assert.That(() => Protector().IsUnderActiveKey([9, 9, 9]), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public void Constructor_Rejects16ByteKey()
    {
        var shortKey = Convert.ToBase64String(new byte[16]);

        Assert.That(() => Protector("k1", ("k1", shortKey)),
            Throws.InvalidOperationException.With.Message.Contains("Encryption:Keys:k1").And.Message.Contains("16"));
    }

    [Test]
    public void Constructor_RejectsInvalidBase64()
    {
        Assert.That(() => Protector("k1", ("k1", "not base64!!")), Throws.InvalidOperationException.With.Message.Contains("base64"));
    }

    [Test]
    public void Constructor_RejectsAnActiveKeyIdNotInTheRing()
    {
        Assert.That(() => Protector("k9", ("k1", Key1)), Throws.InvalidOperationException.With.Message.Contains("'k9'"));
    }

    [Test]
    public void Constructor_RequiresAnActiveKeyId()
    {
        var options = new EncryptionOptions { ActiveKeyId = null };
        options.Keys["k1"] = Key1;

        Assert.That(() => new AesGcmSecretProtector(Options.Create(options)), Throws.InvalidOperationException.With.Message.Contains("ActiveKeyId"));
    }

    [Test]
    public void Constructor_RejectsAKeyIdLongerThan255Bytes()
    {
        var id = new string('k', 256);

        Assert.That(() => Protector(id, (id, Key1)), Throws.InvalidOperationException);
    }

    [Test]
    public void Constructor_AcceptsA255ByteKeyId()
    {
        var id = new string('k', 255);
        var protector = Protector(id, (id, Key1));

        Assert.That(protector.Unprotect(protector.Protect("x", Context), Context), Is.EqualTo("x"));
    }
}
