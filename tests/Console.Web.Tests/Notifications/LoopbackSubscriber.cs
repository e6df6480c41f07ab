using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SesConsole.Web.Tests.Notifications;

/// <summary>One request an SNS subscriber received.</summary>
public sealed record ReceivedRequest(string Path, string Method, Dictionary<string, string> Headers, string Body, DateTimeOffset At);

/// <summary>
/// A real HTTP (or HTTPS) subscriber on Kestrel at 127.0.0.1 on a free port. Each path answers with the statuses queued
/// for it (then 200), optionally after a delay; every request is recorded.
/// </summary>
public sealed class LoopbackSubscriber : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);

    private LoopbackSubscriber(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public static async Task<LoopbackSubscriber> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l =>
        {
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var subscriber = new LoopbackSubscriber(app);
        app.Run(subscriber.HandleAsync);
        await app.StartAsync();
        subscriber.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return subscriber;
    }

    /// <summary>The next requests to <paramref name="path"/> answer these statuses, in order.</summary>
    public void Answer(string path, params int[] statuses)
    {
        var queue = _statuses.GetOrAdd(path, _ => new ConcurrentQueue<int>());
        foreach (var status in statuses)
        {
            queue.Enqueue(status);
        }
    }

    /// <summary>Requests to <paramref name="path"/> wait this long before answering.</summary>
    public void Delay(string path, TimeSpan delay) => _delays[path] = delay;

    public List<ReceivedRequest> At(string path) => [.. Received.Where(r => r.Path == path)];

    /// <summary>Waits (up to <paramref name="seconds"/>) until <paramref name="path"/> got at least <paramref name="count"/> requests.</summary>
    public async Task<List<ReceivedRequest>> WaitForAsync(string path, int count, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (At(path).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return At(path);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "/";
        Received.Enqueue(new ReceivedRequest(path, context.Request.Method,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body, DateTimeOffset.UtcNow));
        if (_delays.TryGetValue(path, out var delay))
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = _statuses.TryGetValue(path, out var queue) && queue.TryDequeue(out var status) ? status : 200;
        await context.Response.WriteAsync(context.Response.StatusCode == 200 ? "ok" : "failing on purpose");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
