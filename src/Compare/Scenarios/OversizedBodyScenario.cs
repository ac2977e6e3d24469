using System.Globalization;
using System.Net.Http.Headers;
using Portable.Compare.Model;
using Portable.Compare.Targets;

namespace Portable.Compare.Scenarios;

/// <summary>
/// A POST /items body of one size on every host: who refuses it — the app (Core's own body limit, a JSON 413) or the
/// platform in front of it (API Gateway over Lambda's 6 MB, Cloud Run's front end over 32 MiB, the Functions host over
/// 100 MB) — and with what answer.
/// </summary>
/// <param name="bytes">The body's size.</param>
/// <param name="label">The size as the report names it (<c>7 MB</c>).</param>
public sealed class OversizedBodyScenario(long bytes, string label) : ICompareScenario
{
    /// <summary>The three sizes that cross each platform's limit in turn: over Lambda's 6 MB, Cloud Run's 32 MiB, the Functions host's 100 MB.</summary>
    public static IReadOnlyList<OversizedBodyScenario> Sizes { get; } =
    [
        new(7_000_000, "7 MB"),
        new(33L * 1024 * 1024, "33 MiB"),
        new(101L * 1024 * 1024, "101 MiB"),
    ];

    /// <summary>The body's size in bytes.</summary>
    public long Bytes => bytes;

    /// <inheritdoc />
    public string Id => "oversized-" + label.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    /// <inheritdoc />
    public string Pattern => "REST API";

    /// <inheritdoc />
    public string Title => $"Oversized body: {label}";

    /// <inheritdoc />
    public string Description =>
        string.Create(CultureInfo.InvariantCulture, $"POST /items with a {bytes:N0}-byte JSON body. The Items API refuses any body over 1 MiB itself (a JSON 413); the question is whether the platform refuses it first, and how.");

    /// <inheritdoc />
    public bool RunsLive => true;

    /// <inheritdoc />
    public async Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = await context.SharedTargetAsync(host, cancellationToken).ConfigureAwait(false);
        var exchange = await HttpExchange.SendAsync(target, HttpMethod.Post, "/items", Body(bytes), cancellationToken: cancellationToken).ConfigureAwait(false);
        var platformRefused = !exchange.FromApp;
        var overPlatform = PlatformLimits.MaxBodyBytes(host) is { } max && bytes > max;
        return new HostResult
        {
            Host = host,
            Outcome = $"{exchange.Status} from {(platformRefused ? "the platform" : "the app")}",
            // Refused either way; refused by the platform exactly when the body is over the platform's limit.
            AsExpected = exchange.Status >= 400 && platformRefused == overPlatform,
            Effects = exchange.Status is >= 200 and < 300 ? "item created" : "nothing stored",
            Limit = platformRefused ? PlatformLimits.SizeLimit(host) : "the app's 1 MiB body limit",
            Note = $"{target.FrontDoor}: {exchange.Summary()}, in {Report.ReportFormat.Duration(exchange.Elapsed)}",
        };
    }

    // {"name":"xxx…","price":1} of exactly `size` bytes, built once per request.
    private static ByteArrayContent Body(long size)
    {
        var head = "{\"name\":\""u8.ToArray();
        var tail = "\",\"price\":1}"u8.ToArray();
        var body = new byte[size];
        head.CopyTo(body, 0);
        body.AsSpan(head.Length, (int)size - head.Length - tail.Length).Fill((byte)'x');
        tail.CopyTo(body, (int)size - tail.Length);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
