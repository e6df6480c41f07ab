using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace SesConsole.Web.Tests.Notifications;

/// <summary>Checks an SNS message's signature the way AWS documents it, independently of the console's signer.</summary>
public static class SnsSignatureCheck
{
    public static bool Verify(JsonElement message, string certificatePem)
    {
        var type = message.GetProperty("Type").GetString();
        string[] keys = type == "Notification"
            ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
            : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
        var text = new StringBuilder();
        foreach (var key in keys)
        {
            if (message.TryGetProperty(key, out var value))
            {
                text.Append(key).Append('\n').Append(value.GetString()).Append('\n');
            }
        }

        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        using var rsa = certificate.GetRSAPublicKey()!;
        var hash = message.GetProperty("SignatureVersion").GetString() == "1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        return rsa.VerifyData(Encoding.UTF8.GetBytes(text.ToString()), Convert.FromBase64String(message.GetProperty("Signature").GetString()!), hash, RSASignaturePadding.Pkcs1);
    }
}
