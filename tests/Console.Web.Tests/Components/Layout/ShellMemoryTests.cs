using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Components.Layout;

/// <summary>
/// What a signed-in browser session keeps on the server (docs/send-performance.md#memory): the circuit's WebSocket
/// carries no per-message deflate state.
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

}
