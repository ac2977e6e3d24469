using System.Globalization;
using Portable.Compare.Model;
using Portable.Compare.Targets;
using Portable.Core.Invocation;

namespace Portable.Compare.Scenarios;

/// <summary>
/// A handler slower than the front door's timeout: POST /items waits (the <c>PORTABLE_FAULTS_HTTP_DELAY</c> drill)
/// just past the platform's timeout — API Gateway's 29 s, Cloud Run's configured 30 s, Azure's 230 s — with time
/// scaled. What the caller gets, and whether the item was still created: the caller retries with the same
/// <c>Idempotency-Key</c> once the handler is done, and a fast replay of the first answer shows the work happened.
/// </summary>
public sealed class SlowHandlerScenario : ICompareScenario
{
    /// <inheritdoc />
    public string Id => "slow-handler";

    /// <inheritdoc />
    public string Pattern => "REST API";

    /// <inheritdoc />
    public string Title => "Handler slower than the front door's timeout";

    /// <inheritdoc />
    public string Description =>
        "POST /items with an Idempotency-Key, the handler delayed just past the platform's front-door timeout (API Gateway REST 29 s with the function's 30 s timeout, Cloud Run's configured 30 s, Azure's 230 s; the local host has none and waits 29.5 s); then the same request again once the handler is done. Times are scaled (see the notes).";

    /// <inheritdoc />
    public bool RunsLive => false;

    /// <summary>The front door's timeout on <paramref name="host"/> (null: none) and how long the handler takes there, unscaled.</summary>
    /// <param name="host">One of <see cref="CompareHosts.All"/>.</param>
    public static (TimeSpan? Timeout, TimeSpan Delay, string? Limit) Plan(string host) => host switch
    {
        // Past the gateway's 29 s but inside the function's own 30 s timeout, which would end the invocation unwritten.
        CompareHosts.Aws => (PlatformLimits.ApiGatewayTimeout, TimeSpan.FromSeconds(29.5), "API Gateway 29 s integration timeout"),
        CompareHosts.Gcp => (PlatformLimits.CloudRunRequestTimeout, PlatformLimits.CloudRunRequestTimeout * 1.1, "Cloud Run request timeout (30 s, as deployed)"),
        CompareHosts.Azure => (PlatformLimits.AzureHttpTimeout, PlatformLimits.AzureHttpTimeout * 1.1, "Azure load balancer 230 s"),
        _ => (null, TimeSpan.FromSeconds(29.5), null),
    };

    /// <inheritdoc />
    public async Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (timeout, delay, limit) = Plan(host);
        var scaledDelay = context.Scaled(delay);
        var options = new HttpTargetOptions
        {
            RestApi = true,
            FrontDoorTimeout = timeout is { } t ? context.Scaled(t) : null,
            Environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                [HttpLatencyFaultMiddleware.DelayVariable] = string.Create(CultureInfo.InvariantCulture, $"{(long)scaledDelay.TotalMilliseconds}ms"),
                [HttpLatencyFaultMiddleware.PathVariable] = "/items",
            },
        };

        await using var target = await HttpTargets.StartAsync(host, context, options, cancellationToken).ConfigureAwait(false);
        var key = "slow-" + Guid.NewGuid().ToString("N");
        (string, string)[] headers = [("Idempotency-Key", key)];
        const string body = """{"name":"slow","price":1}""";
        var first = await HttpExchange.SendAsync(target, HttpMethod.Post, "/items", HttpExchange.Json(body), headers, cancellationToken).ConfigureAwait(false);

        // Retry once the handler is certainly done (its delay plus time to write), as a client with a backoff would.
        var settle = scaledDelay - first.Elapsed + TimeSpan.FromMilliseconds(500);
        if (settle > TimeSpan.Zero)
        {
            await Task.Delay(settle, cancellationToken).ConfigureAwait(false);
        }

        var retry = await HttpExchange.SendAsync(target, HttpMethod.Post, "/items", HttpExchange.Json(body), headers, cancellationToken).ConfigureAwait(false);

        // A replay answers from the idempotency record without running the handler (no delay): the first request's
        // work was done. A retry as slow as the delay ran the handler again: the first left nothing behind.
        var replayed = retry.Status == 201 && retry.Elapsed < scaledDelay / 2;
        var cutOff = first.Status != 201;
        return new HostResult
        {
            Host = host,
            Outcome = cutOff ? $"{first.Status} after {Format(first.Elapsed, context)}" : $"201 after {Format(first.Elapsed, context)}",
            AsExpected = timeout is null ? !cutOff : cutOff,
            Attempts = 2,
            DuplicatesSuppressed = replayed && cutOff ? 1 : 0,
            Effects = replayed
                ? cutOff ? "item created after the caller gave up; the retry got it, not a second one" : "item created; the retry replayed it"
                : $"retry answered {retry.Summary(40)}",
            Limit = limit,
            Note = $"{target.FrontDoor}: first {first.Summary(50)}; retry {retry.Status} in {Format(retry.Elapsed, context)}",
        };
    }

    // A scaled measurement in the platform's own time, with the measured figure beside it.
    private static string Format(TimeSpan measured, ScenarioContext context) =>
        context.TimeScale == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{measured.TotalSeconds:0.0} s")
            : string.Create(CultureInfo.InvariantCulture, $"{measured.TotalSeconds / context.TimeScale:0.#} s (scaled: {measured.TotalMilliseconds:0} ms)");
}
