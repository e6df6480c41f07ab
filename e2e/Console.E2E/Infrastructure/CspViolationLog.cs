using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace SesConsole.E2E.Infrastructure;

/// <summary>
/// Collects what the browser reports against the console's Content-Security-Policy on every page of a context: the
/// <c>securitypolicyviolation</c> events of the documents, and console messages about the policy (Chromium's own
/// "Refused to …" lines, which also cover workers) or about Monaco falling back from its web worker.
/// </summary>
public sealed class CspViolationLog
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public async Task AttachAsync(IBrowserContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.ExposeBindingAsync("__sesCspViolation", (BindingSource source, string violation) =>
            _entries.Enqueue($"{source.Page?.Url}: {violation}"));
        await context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e => window.__sesCspViolation(
                `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || 'page'}:${e.lineNumber})`));
            """);
        context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)
                || message.Text.Contains("Could not create web worker", StringComparison.OrdinalIgnoreCase))
            {
                _entries.Enqueue($"{message.Page?.Url}: console {message.Type}: {message.Text}");
            }
        };
    }
}
