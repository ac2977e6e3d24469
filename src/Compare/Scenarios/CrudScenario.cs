using System.Globalization;
using Portable.Compare.Model;
using Portable.Compare.Targets;

namespace Portable.Compare.Scenarios;

/// <summary>
/// The REST API's everyday traffic: rounds of create, read, conditional replace, list and conditional delete on
/// <c>/items</c>, every answer checked against the API's contract and every request timed.
/// </summary>
public sealed class CrudScenario : ICompareScenario
{
    /// <summary>The rounds run on each host (five requests each).</summary>
    public int Rounds { get; init; } = 20;

    /// <inheritdoc />
    public string Id => "crud";

    /// <inheritdoc />
    public string Pattern => "REST API";

    /// <inheritdoc />
    public string Title => "CRUD on /items";

    /// <inheritdoc />
    public string Description =>
        $"{Rounds} rounds of POST, GET, PUT with If-Match, GET ?limit=2 and DELETE with If-Match on the Items API, through each platform's front door; latency is per request, warm (the host's first answer is the cold start).";

    /// <inheritdoc />
    public bool RunsLive => true;

    /// <inheritdoc />
    public async Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = await context.SharedTargetAsync(host, cancellationToken).ConfigureAwait(false);
        var latencies = new List<TimeSpan>();
        var wrong = new List<string>();
        int created = 0, replaced = 0, deleted = 0;

        async Task<HttpExchange> Step(string name, HttpMethod method, string path, int expected, HttpContent? body = null, (string, string)[]? headers = null)
        {
            var exchange = await HttpExchange.SendAsync(target, method, path, body, headers, cancellationToken).ConfigureAwait(false);
            latencies.Add(exchange.Elapsed);
            if (exchange.Status != expected && wrong.Count < 3)
            {
                wrong.Add($"{name}: {exchange.Summary()} (expected {expected})");
            }

            return exchange;
        }

        for (var round = 1; round <= Rounds; round++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"compare-{round}");
            var post = await Step("POST", HttpMethod.Post, "/items", 201, HttpExchange.Json($$"""{"name":"{{name}}","price":{{round}}.5}""")).ConfigureAwait(false);
            if (post.Id() is not { } id)
            {
                continue;
            }

            created++;
            var get = await Step("GET", HttpMethod.Get, $"/items/{id}", 200).ConfigureAwait(false);
            var put = await Step("PUT", HttpMethod.Put, $"/items/{id}", 200, HttpExchange.Json($$"""{"name":"{{name}}b","price":{{round}}}"""), [("If-Match", get.ETag ?? post.ETag ?? "*")]).ConfigureAwait(false);
            replaced += put.Status == 200 ? 1 : 0;
            await Step("LIST", HttpMethod.Get, "/items?limit=2", 200).ConfigureAwait(false);
            var delete = await Step("DELETE", HttpMethod.Delete, $"/items/{id}", 204, headers: [("If-Match", put.ETag ?? "*")]).ConfigureAwait(false);
            deleted += delete.Status == 204 ? 1 : 0;
            if (round % 5 == 0)
            {
                context.Progress($"  {host}: {round}/{Rounds} rounds");
            }
        }

        return new HostResult
        {
            Host = host,
            Outcome = wrong.Count == 0 ? $"{latencies.Count} requests as specified" : $"{wrong.Count} step(s) off the contract",
            AsExpected = wrong.Count == 0,
            Effects = $"{created} created, {replaced} replaced, {deleted} deleted",
            P50 = Percentiles.Of(latencies, 50),
            P99 = Percentiles.Of(latencies, 99),
            ColdStart = target.ColdStart,
            Note = wrong.Count == 0 ? target.FrontDoor : $"{target.FrontDoor}; {string.Join("; ", wrong)}",
        };
    }
}
