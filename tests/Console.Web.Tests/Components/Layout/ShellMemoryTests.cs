using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Components.Layout;

/// <summary>
/// What a signed-in browser session keeps on the server (docs/send-performance.md#memory): the circuit's WebSocket
/// carries no per-message deflate state, and the theme's stylesheet comes with the page, not from each circuit.
/// </summary>
public sealed class ShellMemoryTests
{
    [Fact]
    public async Task Circuit_websocket_declines_per_message_deflate()
    {
        await using var server = new KestrelConsoleAppFactory();
        server.Start();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var negotiate = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null, TestContext.Current.CancellationToken);
        negotiate.EnsureSuccessStatusCode();
        var token = (await negotiate.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("connectionToken").GetString();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();

        await socket.ConnectAsync(new Uri($"{server.BaseUrl.Replace("http", "ws", StringComparison.Ordinal)}/_blazor?id={token}"), TestContext.Current.CancellationToken);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.NotNull(socket.HttpResponseHeaders);
        Assert.DoesNotContain(socket.HttpResponseHeaders.Keys, k => k.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Signed_in_page_carries_the_theme_stylesheet_once_and_the_sign_in_page_none()
    {
        await using var app = new ConsoleAppFactory();
        var client = await app.SignInAsync("owner@example.com");
        using var anonymous = app.CreateClient();

        var home = await client.GetStringAsync("/", TestContext.Current.CancellationToken);
        var login = await anonymous.GetStringAsync("/Account/Login", TestContext.Current.CancellationToken);

        // ConsoleTheme's primary colour (#3949ab), as MudThemeProvider writes it; MudBlazor's own default is #594ae2.
        const string Primary = "--mud-palette-primary: rgba(57,73,171,1);";
        Assert.Equal(1, CountOf(home, Primary));
        Assert.Equal(1, CountOf(home, "mud-theme-provider"));
        Assert.True(home.IndexOf(Primary, StringComparison.Ordinal) < home.IndexOf("</head>", StringComparison.Ordinal), "the theme is in the page's head");
        Assert.Equal(0, CountOf(login, "mud-theme-provider"));
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
