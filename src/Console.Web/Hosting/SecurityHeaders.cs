using System.Security.Cryptography;

namespace SesConsole.Web.Hosting;

/// <summary>
/// Response headers that harden the console's pages: every response gets <c>X-Content-Type-Options: nosniff</c> and a
/// <c>Referrer-Policy</c>; HTML responses (the console's pages) also get a Content-Security-Policy and
/// <c>X-Frame-Options</c>. API responses (SES XML and JSON) need no CSP. What the policy allows, and why, is in
/// <c>docs/console-security.md</c>.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "SesConsole.CspNonce";

    /// <summary>The policy of an HTML page, around the request's nonce.</summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>script-src</c>: our own files, plus the one inline script Blazor writes (the import map) by nonce. No
    /// <c>'unsafe-inline'</c>, no <c>'unsafe-eval'</c> (Blazor Server, MudBlazor and Monaco's AMD build need neither).</item>
    /// <item><c>style-src 'unsafe-inline'</c>: MudBlazor writes its theme as a <c>&lt;style&gt;</c> element and sizes and
    /// positions popovers with <c>style</c> attributes; Monaco injects <c>&lt;style&gt;</c> elements at run time.</item>
    /// <item><c>worker-src 'self'</c>: Monaco's JSON language worker is loaded from our origin.</item>
    /// <item><c>img-src data:</c>, <c>font-src data:</c>: icons and fonts the libraries embed in their CSS.</item>
    /// <item><c>frame-ancestors 'none'</c>: no other site may frame the console (clickjacking).</item>
    /// </list>
    /// </remarks>
    private const string PagePolicyBeforeNonce = "default-src 'self'; script-src 'self' 'nonce-";

    private const string PagePolicyAfterNonce =
        "'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "worker-src 'self'; " +
        "frame-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    /// <summary>Adds the headers to every response (call before anything that writes a response).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // The nonce is made when the page first asks for it (NonceOf) or when an HTML answer starts: an API call
            // answered in JSON or XML makes none (no random bytes, no Items dictionary; docs/send-performance.md#garbage-per-message).
            context.Response.OnStarting(static state =>
            {
                var context = (HttpContext)state;
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                if (context.Response.ContentType is { } type && type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = PagePolicyBeforeNonce + NonceOf(context) + PagePolicyAfterNonce;
                    headers.XFrameOptions = "DENY";
                }

                return Task.CompletedTask;
            }, context);
            return next(context);
        });

    /// <summary>The nonce of this request's policy, for the inline scripts the page must write (the import map).</summary>
    public static string NonceOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(NonceKey, out var made) && made is string nonce)
        {
            return nonce;
        }

        nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        return nonce;
    }
}
