namespace SesConsole.Web.Notifications;

/// <summary>
/// The URLs the console puts in SNS messages (docs/notifications.md#urls), all under <c>Console:PublicBaseUrl</c> and
/// answered without sign-in: the subscription's confirm link, the unsubscribe link and the signing certificate.
/// </summary>
public static class SnsUrls
{
    /// <summary>Route of the confirm link: <c>GET /sns/confirm?TopicArn=…&amp;Token=…</c>.</summary>
    public const string ConfirmPath = "/sns/confirm";

    /// <summary>Route of the unsubscribe link: <c>GET /sns/unsubscribe?SubscriptionArn=…</c>.</summary>
    public const string UnsubscribePath = "/sns/unsubscribe";

    /// <summary>Route prefix of the signing certificates: <c>GET /sns/certs/NAME.pem</c>.</summary>
    public const string CertificatePathPrefix = "/sns/certs/";

    public static string SubscribeUrl(string publicBaseUrl, string topicArn, string token) =>
        $"{Trim(publicBaseUrl)}{ConfirmPath}?Action=ConfirmSubscription&TopicArn={Uri.EscapeDataString(topicArn)}&Token={Uri.EscapeDataString(token)}";

    public static string UnsubscribeUrl(string publicBaseUrl, string subscriptionArn) =>
        $"{Trim(publicBaseUrl)}{UnsubscribePath}?Action=Unsubscribe&SubscriptionArn={Uri.EscapeDataString(subscriptionArn)}";

    public static string SigningCertUrl(string publicBaseUrl, string keyName) =>
        $"{Trim(publicBaseUrl)}{CertificatePathPrefix}{Uri.EscapeDataString(keyName)}.pem";

    private static string Trim(string baseUrl) => baseUrl.TrimEnd('/');
}
