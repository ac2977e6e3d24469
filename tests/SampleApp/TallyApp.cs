using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Core.State;

namespace Portable.SampleApp;

/// <summary>
/// A tiny app of a user's own: <c>tally-api</c> (HTTP: <c>GET /hello/{name}</c>, <c>GET /tallies/{key}</c>) and
/// <c>tally-counter</c> (queue <c>tallies</c>: a message <c>{"key":"k"}</c> adds one to tally k). Nothing in it is
/// one of Portable's patterns; it proves the hosts run an app they are given.
/// </summary>
public static class TallyApp
{
    /// <summary>The HTTP function's name.</summary>
    public const string ApiFunction = "tally-api";

    /// <summary>The queue function's name.</summary>
    public const string CounterFunction = "tally-counter";

    /// <summary>The queue the counter consumes.</summary>
    public const string Queue = "tallies";

    private const string Collection = "tallies";

    /// <summary>The app's own manifest.</summary>
    public static FunctionManifest Manifest { get; } = new FunctionManifestBuilder()
        .AddHttp(ApiFunction, routes => routes
            .Map("GET", "/hello/{name}", (request, _, _) => ValueTask.FromResult(Json(200, $"{{\"greeting\":\"Hello, {Escape(request.RouteValues["name"])}!\"}}")))
            .Map("GET", "/tallies/{key}", services =>
            {
                var store = services.GetRequiredService<IStateStore>();
                return async (request, _, ct) =>
                {
                    var key = request.RouteValues["key"];
                    var entry = await store.GetAsync(Collection, key, ct).ConfigureAwait(false);
                    return Json(200, $"{{\"key\":\"{Escape(key)}\",\"count\":{Count(entry)}}}");
                };
            }))
        .AddQueue(CounterFunction, Queue, services =>
        {
            var store = services.GetRequiredService<IStateStore>();
            return (message, _, ct) => CountAsync(store, message, ct);
        })
        .Build();

    /// <summary>The app: its manifest and no services beyond Portable's (the handlers take the state store).</summary>
    public static FunctionApp App { get; } = new(Manifest);

    private static async ValueTask<MessageResult> CountAsync(IStateStore store, IncomingMessage message, CancellationToken cancellationToken)
    {
        string? key;
        try
        {
            using var document = JsonDocument.Parse(message.Body);
            key = document.RootElement.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        }
        catch (JsonException ex)
        {
            return MessageResult.DeadLetter($"The message is not JSON: {ex.Message}");
        }

        if (string.IsNullOrEmpty(key))
        {
            return MessageResult.DeadLetter("The message has no \"key\" string.");
        }

        // A conditional increment: read, then replace only if nobody wrote in between (or insert if absent).
        while (true)
        {
            var entry = await store.GetAsync(Collection, key, cancellationToken).ConfigureAwait(false);
            var next = Encoding.UTF8.GetBytes((Count(entry) + 1).ToString(CultureInfo.InvariantCulture));
            var written = entry is null
                ? await store.InsertAsync(Collection, key, next, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await store.ReplaceAsync(Collection, key, next, entry.ETag, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (written.Succeeded)
            {
                return MessageResult.Success;
            }
        }
    }

    private static long Count(StateEntry? entry) =>
        entry is null ? 0 : long.Parse(Encoding.UTF8.GetString(entry.Value.Span), CultureInfo.InvariantCulture);

    private static PortableHttpResponse Json(int status, string json) => new()
    {
        StatusCode = status,
        Headers = HeaderMap.Empty.With("Content-Type", "application/json"),
        Body = Encoding.UTF8.GetBytes(json),
    };

    private static string Escape(string value) => JsonEncodedText.Encode(value).ToString();
}
