using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portable.Emulators;

namespace Portable.Compare.Hosts;

/// <summary>
/// A loopback stand-in for both the Cloud Storage JSON API and the metadata server (<see cref="LoopbackServer"/>): it
/// records every request with its raw target (the path exactly as sent, percent-encoding and all), serves the
/// metadata server's token (only with <c>Metadata-Flavor: Google</c>, as the real one requires), takes simple media
/// uploads (<see cref="UploadPath"/>) and answers object downloads from <see cref="Objects"/>, keyed by the raw target.
/// </summary>
public sealed class CloudStorageRecorder : IAsyncDisposable
{
    /// <summary>The access token the metadata server hands out.</summary>
    public const string Token = "ya29.portable-test-token";

    /// <summary>
    /// The JSON API's simple upload: <c>POST /upload/storage/v1/b/{bucket}/o?uploadType=media&amp;name={name}</c> with the
    /// content as the body, answered with the new object's resource (cloud.google.com/storage/docs/uploading-objects, objects/insert).
    /// </summary>
    public const string UploadPath = "/upload/storage/v1/b/";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string RawTarget, string? Authorization)> _requests = new();
    private long _generation = 1_772_000_000_000_000;

    private CloudStorageRecorder(WebApplication app) => _app = app;

    /// <summary>What a download target answers: status, content type, body and extra headers.</summary>
    public ConcurrentDictionary<string, (int Status, string ContentType, string Body, Dictionary<string, string> Headers)> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>The object downloads made (the metadata server's calls and uploads left out), in order.</summary>
    public IReadOnlyList<(string RawTarget, string? Authorization)> Downloads => [.. _requests.Where(r => r.RawTarget.StartsWith("/storage/", StringComparison.Ordinal))];

    /// <summary>How many tokens the metadata server handed out.</summary>
    public int TokensIssued => _requests.Count(r => r.RawTarget.StartsWith("/computeMetadata/", StringComparison.Ordinal));

    /// <summary><c>127.0.0.1:port</c>, for <c>STORAGE_EMULATOR_HOST</c> and <c>GCE_METADATA_HOST</c>.</summary>
    public string Host => LoopbackServer.BaseAddress(_app).Authority;

    /// <summary>Starts the recorder on a free loopback port.</summary>
    public static async Task<CloudStorageRecorder> StartAsync()
    {
        var app = LoopbackServer.Create("Portable.Compare.CloudStorageRecorder");
        var recorder = new CloudStorageRecorder(app);
        app.Run(recorder.ServeAsync);
        await app.StartAsync();
        return recorder;
    }

    /// <summary>The documented download target of an object: the name percent-encoded as one path segment (a slash is <c>%2F</c>).</summary>
    public static string DownloadTarget(string bucket, string name, string? generation = null) =>
        $"/storage/v1/b/{Uri.EscapeDataString(bucket)}/o/{Uri.EscapeDataString(name)}?alt=media" + (generation is null ? string.Empty : $"&generation={generation}");

    /// <summary>Stops the server.</summary>
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

        if (HttpMethods.IsPost(context.Request.Method) && target.StartsWith(UploadPath, StringComparison.Ordinal))
        {
            await UploadAsync(context);
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

    // A new generation per write, as Cloud Storage gives one; the object is then served at its plain and its generation target.
    private async Task UploadAsync(HttpContext context)
    {
        var bucket = Uri.UnescapeDataString(context.Request.Path.Value![UploadPath.Length..].Split('/')[0]);
        var name = context.Request.Query["name"].ToString();
        if (context.Request.Query["uploadType"] != "media" || name.Length == 0)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"error":{"code":400,"message":"Only uploadType=media with a name is recorded here.","status":"INVALID_ARGUMENT"}}""");
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var content = buffer.ToArray();
        var contentType = context.Request.ContentType ?? "application/octet-stream";
        var generation = Interlocked.Increment(ref _generation).ToString(CultureInfo.InvariantCulture);
#pragma warning disable CA5351 // md5Hash is the resource's field: Cloud Storage's own checksum, no security use
        var md5 = Convert.ToBase64String(MD5.HashData(content));
#pragma warning restore CA5351
        var etag = Convert.ToBase64String(BitConverter.GetBytes(long.Parse(generation, CultureInfo.InvariantCulture)));
        var now = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var text = System.Text.Encoding.UTF8.GetString(content);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["x-goog-generation"] = generation, ["ETag"] = $"\"{etag}\"" };
        Objects[DownloadTarget(bucket, name)] = (200, contentType, text, headers);
        Objects[DownloadTarget(bucket, name, generation)] = (200, contentType, text, headers);

        // The object resource (cloud.google.com/storage/docs/json_api/v1/objects#resource): int64 fields as strings.
        using var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("kind", "storage#object");
            w.WriteString("id", $"{bucket}/{name}/{generation}");
            w.WriteString("selfLink", $"https://www.googleapis.com/storage/v1/b/{bucket}/o/{Uri.EscapeDataString(name)}");
            w.WriteString("mediaLink", $"https://storage.googleapis.com/download/storage/v1/b/{bucket}/o/{Uri.EscapeDataString(name)}?generation={generation}&alt=media");
            w.WriteString("name", name);
            w.WriteString("bucket", bucket);
            w.WriteString("generation", generation);
            w.WriteString("metageneration", "1");
            w.WriteString("contentType", contentType);
            w.WriteString("storageClass", "STANDARD");
            w.WriteString("size", content.Length.ToString(CultureInfo.InvariantCulture));
            w.WriteString("md5Hash", md5);
            w.WriteString("etag", etag);
            w.WriteString("timeCreated", now);
            w.WriteString("updated", now);
            w.WriteString("timeStorageClassUpdated", now);
            w.WriteEndObject();
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.Body.WriteAsync(body.ToArray());
    }
}
