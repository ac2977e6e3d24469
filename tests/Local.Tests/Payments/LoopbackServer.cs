using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portable.Local.Tests.Payments;

/// <summary>A real HTTP server on a loopback port that answers each request with a script, recording what it received.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app) => _app = app;

    /// <summary>What arrived, in order.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Released once per request, when it has been recorded (before it is answered).</summary>
    public SemaphoreSlim Arrived { get; } = new(0);

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts a server whose <paramref name="answer"/> gets each request as it was received.</summary>
    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Received, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackServer(app);
        var count = 0;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var received = new Received(Interlocked.Increment(ref count), context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Request.Headers["Idempotency-Key"].FirstOrDefault(), body);
            server.Requests.Enqueue(received);
            server.Arrived.Release();
            await answer(context, received);
        });
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.First());
        return server;
    }

    /// <summary>One request: its number (1 for the first), method, path, Idempotency-Key and body.</summary>
    public sealed record Received(int Number, string Method, string Path, string? Key, string Body);

    public static async Task JsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Arrived.Dispose();
    }
}
