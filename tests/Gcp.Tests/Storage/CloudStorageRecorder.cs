using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portable.Emulators;

namespace Portable.Gcp.Tests.Storage;

/// <summary>
/// A loopback stand-in for both the Cloud Storage JSON API and the metadata server (<see cref="LoopbackServer"/>): it
/// records every request with its raw target (the path exactly as sent, percent-encoding and all), serves the
/// metadata server's token (only with <c>Metadata-Flavor: Google</c>, as the real one requires), and answers object
/// downloads from <see cref="Objects"/>, keyed by the raw target.
/// </summary>
internal sealed class CloudStorageRecorder : IAsyncDisposable
{
    public const string Token = "ya29.portable-test-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string RawTarget, string? Authorization)> _requests = new();

    private CloudStorageRecorder(WebApplication app) => _app = app;

    /// <summary>What a download target answers: status, content type, body and extra headers.</summary>
    public ConcurrentDictionary<string, (int Status, string ContentType, string Body, Dictionary<string, string> Headers)> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>The object downloads made (the metadata server's calls left out), in order.</summary>
    public IReadOnlyList<(string RawTarget, string? Authorization)> Downloads => [.. _requests.Where(r => r.RawTarget.StartsWith("/storage/", StringComparison.Ordinal))];

    /// <summary>How many tokens the metadata server handed out.</summary>
    public int TokensIssued => _requests.Count(r => r.RawTarget.StartsWith("/computeMetadata/", StringComparison.Ordinal));

    /// <summary><c>127.0.0.1:port</c>, for <c>STORAGE_EMULATOR_HOST</c> and <c>GCE_METADATA_HOST</c>.</summary>
    public string Host => LoopbackServer.BaseAddress(_app).Authority;

    public static async Task<CloudStorageRecorder> StartAsync()
    {
        var app = LoopbackServer.Create("Portable.Gcp.Tests.CloudStorageRecorder");
        var recorder = new CloudStorageRecorder(app);
        app.Run(recorder.ServeAsync);
        await app.StartAsync();
        return recorder;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task ServeAsync(HttpContext context)
    {
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        _requests.Enqueue((target, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null));
        if (target == "/computeMetadata/v1/instance/service-accounts/default/token")
        {
            if (context.Request.Headers["Metadata-Flavor"] != "Google")
            {
                context.Response.StatusCode = 403;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"access_token":"{{Token}}","expires_in":3599,"token_type":"Bearer"}""");
            return;
        }

        if (!Objects.TryGetValue(target, out var answer))
        {
            answer = (404, "application/json", """{"error":{"code":404,"message":"No such object.","status":"NOT_FOUND"}}""", []);
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(answer.Body);
        foreach (var (name, value) in answer.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(answer.Body);
    }
}
