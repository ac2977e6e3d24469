using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Portable.Compare.Targets;

/// <summary>One request through a front door and what came back, timed from send to the last byte of the answer.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Body">The answer's body as text.</param>
/// <param name="ContentType">The answer's media type, if any.</param>
/// <param name="ETag">The answer's ETag, if any.</param>
/// <param name="Elapsed">Send to last byte.</param>
public sealed record HttpExchange(int Status, string Body, string? ContentType, string? ETag, TimeSpan Elapsed)
{
    /// <summary>Whether the app answered (Core's JSON error body, <c>{"error": …}</c>) rather than the platform in front of it.</summary>
    public bool FromApp => ContentType == "application/json" && Body.Contains("\"error\"", StringComparison.Ordinal);

    /// <summary>The body's <c>id</c> property, when the body is a JSON object that has one.</summary>
    public string? Id()
    {
        try
        {
            using var json = JsonDocument.Parse(Body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The status and the start of the body, for a report cell.</summary>
    public string Summary(int length = 90)
    {
        var text = Body.ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? $"{Status} (empty)" : $"{Status} {(text.Length > length ? text[..length] + "…" : text)}";
    }

    /// <summary>Sends a request to <paramref name="target"/> and reads the whole answer.</summary>
    /// <param name="target">The front door.</param>
    /// <param name="method">The method.</param>
    /// <param name="path">The API's path.</param>
    /// <param name="body">A JSON body, or null.</param>
    /// <param name="headers">Extra request headers.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    public static async Task<HttpExchange> SendAsync(
        HttpTarget target, HttpMethod method, string path, HttpContent? body = null, IEnumerable<(string Name, string Value)>? headers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var request = new HttpRequestMessage(method, target.Url(path)) { Content = body };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var clock = Stopwatch.StartNew();
        using var response = await target.Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new HttpExchange((int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType, response.Headers.ETag?.ToString(), clock.Elapsed);
    }

    /// <summary>A JSON body.</summary>
    /// <param name="json">The JSON text.</param>
    public static HttpContent Json(string json)
    {
        var content = new StringContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
