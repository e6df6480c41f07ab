namespace SesConsole.Web.Notifications.Delivery;

/// <summary>
/// Serves the SNS signing certificates at SigningCertURL (docs/notifications.md#signing): <c>GET /sns/certs/NAME.pem</c>,
/// without sign-in, 200 with the X.509 PEM of the current key or of an older one, 404 for any other name.
/// </summary>
public static class SnsCertificateEndpoints
{
    public static IEndpointConventionBuilder MapSnsCertificates(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(SnsUrls.CertificatePathPrefix + "{file}", async (string file, SnsSigningKeys keys, CancellationToken ct) =>
            {
                if (!file.EndsWith(".pem", StringComparison.Ordinal) || file.Length > 132)
                {
                    return Results.NotFound();
                }

                var pem = await keys.GetCertificatePemAsync(file[..^4], ct);
                return pem is null ? Results.NotFound() : Results.Text(pem, "application/x-pem-file");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
}
