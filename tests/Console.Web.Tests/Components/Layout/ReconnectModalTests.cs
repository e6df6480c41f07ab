using System.Net;
using System.Text.RegularExpressions;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Components.Layout;

/// <summary>
/// A circuit that reconnects to a node which does not hold it (docs/deployment.md#sticky-sessions) is rejected by that
/// node; the page then shows the reconnect dialog and reloads itself into a fresh circuit instead of hanging. Checked over
/// HTTP: a signed-in page carries the dialog and the module that handles the <c>rejected</c> state, and the app serves it.
/// No browser: e2e/ has no journey that takes a node away.
/// </summary>
public sealed partial class ReconnectModalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_in_page_carries_the_reconnect_dialog_whose_script_reloads_when_the_circuit_is_rejected()
    {
        await using var app = new ConsoleAppFactory();
        using var owner = await app.SignInAsync("owner@example.com");

        var page = await owner.GetStringAsync("/", Ct);

        Assert.Contains("<dialog id=\"components-reconnect-modal\"", page, StringComparison.Ordinal);
        Assert.Contains("_framework/blazor.web.js", page, StringComparison.Ordinal);
        var src = ScriptPattern().Match(page);
        Assert.True(src.Success, "the page loads ReconnectModal.razor.js");
        using var script = await owner.GetAsync(src.Groups[1].Value, Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        var code = await script.Content.ReadAsStringAsync(Ct);

        // The dialog follows Blazor's reconnect states; "rejected" (the server does not know the circuit) reloads the page.
        Assert.Contains("addEventListener(\"components-reconnect-state-changed\"", code, StringComparison.Ordinal);
        Assert.Matches(RejectedReloads(), code);
        Assert.Matches(new Regex(@"event\.detail\.state === ""show""\)\s*\{\s*reconnectModal\.showModal\(\);"), code);
        // A manual retry that reaches a server without the circuit (and cannot resume it) reloads too.
        Assert.Matches(new Regex(@"if \(!resumeSuccessful\)\s*\{\s*location\.reload\(\);"), code);
    }

    [GeneratedRegex("<script type=\"module\" src=\"([^\"]*ReconnectModal[^\"]*\\.js)\"")]
    private static partial Regex ScriptPattern();

    [GeneratedRegex(@"event\.detail\.state === ""rejected""\)\s*\{\s*location\.reload\(\);")]
    private static partial Regex RejectedReloads();
}
