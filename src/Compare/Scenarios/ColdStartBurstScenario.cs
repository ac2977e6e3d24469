using System.Globalization;
using Portable.Compare.Model;
using Portable.Compare.Targets;

namespace Portable.Compare.Scenarios;

/// <summary>
/// A burst of cold starts: several fresh instances of the host started at once (as a traffic spike makes the
/// platform start execution environments, containers or workers side by side), each timed from its start to its
/// first answer through the front door, then one warm request each.
/// </summary>
public sealed class ColdStartBurstScenario : ICompareScenario
{
    /// <summary>Instances started at once.</summary>
    public int Instances { get; init; } = 3;

    /// <inheritdoc />
    public string Id => "cold-start-burst";

    /// <inheritdoc />
    public string Pattern => "REST API";

    /// <inheritdoc />
    public string Title => "A burst of cold starts";

    /// <inheritdoc />
    public string Description =>
        $"{Instances} fresh instances of the Items API started at once on each host, each timed from process start to its first answer through the front door; p50/p99 are their first warm GET /items. Framework-dependent JIT builds: a Native AOT Lambda or Cloud Run image starts faster.";

    /// <inheritdoc />
    public bool RunsLive => false;

    /// <inheritdoc />
    public async Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var starting = Enumerable.Range(0, Instances).Select(_ => HttpTargets.StartAsync(host, context, cancellationToken: cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(starting).ConfigureAwait(false);
            var colds = starting.Select(s => s.Result.ColdStart!.Value).ToList();
            var warm = new List<TimeSpan>();
            var ok = 0;
            foreach (var target in starting.Select(s => s.Result))
            {
                var exchange = await HttpExchange.SendAsync(target, HttpMethod.Get, "/items?limit=1", cancellationToken: cancellationToken).ConfigureAwait(false);
                warm.Add(exchange.Elapsed);
                ok += exchange.Status == 200 ? 1 : 0;
            }

            return new HostResult
            {
                Host = host,
                Outcome = $"{ok} of {Instances} answered",
                AsExpected = ok == Instances,
                Attempts = Instances,
                P50 = Percentiles.Of(warm, 50),
                P99 = Percentiles.Of(warm, 99),
                ColdStart = Percentiles.Of(colds, 50),
                Note = $"{starting[0].Result.FrontDoor}; cold starts " + string.Join(", ", colds.Order().Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.TotalSeconds:0.00} s"))),
            };
        }
        finally
        {
            foreach (var start in starting)
            {
                if (start.IsCompletedSuccessfully)
                {
                    await start.Result.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    try
                    {
                        await (await start.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // The start failed; the failure is the scenario's, thrown by WhenAll above.
                    }
                }
            }
        }
    }
}
