using System.Diagnostics;
using Portable.Compare.Model;
using Portable.Compare.Scenarios;

namespace Portable.Compare;

/// <summary>
/// Runs scenarios on hosts, one after the other (so one host's load never skews another's figures), into a
/// <see cref="CompareReport"/>. A scenario that fails on a host becomes that row's outcome, not the run's end; a
/// cancelled run returns what finished, marked partial.
/// </summary>
public static class CompareRunner
{
    /// <summary>Runs every scenario on every host.</summary>
    /// <param name="scenarios">The scenarios, in order.</param>
    /// <param name="hosts">The hosts, in order (a subset of <see cref="CompareHosts.All"/>).</param>
    /// <param name="context">The run's context; the runner disposes nothing of it (the caller does, after).</param>
    /// <param name="time">The clock the report's start is read from.</param>
    /// <param name="cancellationToken">Stops the run: the report then holds the scenarios that finished.</param>
    public static async Task<CompareReport> RunAsync(
        IReadOnlyList<ICompareScenario> scenarios, IReadOnlyList<string> hosts, ScenarioContext context, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(time);
        var startedAt = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var done = new List<ScenarioReport>();
        string? stopped = null;
        var step = 0;
        var steps = scenarios.Count * hosts.Count;
        foreach (var scenario in scenarios)
        {
            var rows = new List<HostResult>();
            foreach (var host in hosts)
            {
                step++;
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                context.Progress($"[{step}/{steps}] {scenario.Id} on {host}…");
                var run = Stopwatch.StartNew();
                try
                {
                    rows.Add(await scenario.RunAsync(host, context, cancellationToken).ConfigureAwait(false));
                    context.Progress($"[{step}/{steps}] {scenario.Id} on {host}: {rows[^1].Outcome} ({run.Elapsed.TotalSeconds:0.0} s)");
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    rows.Add(new HostResult { Host = host, Outcome = "failed to run", AsExpected = false, Note = FirstLine(ex) });
                    context.Progress($"[{step}/{steps}] {scenario.Id} on {host} failed: {FirstLine(ex)}");
                }
            }

            if (cancellationToken.IsCancellationRequested)
            {
                stopped = $"stopped (Ctrl+C) during {scenario.Id}: {done.Count} of {scenarios.Count} scenarios finished";
                if (rows.Count > 0)
                {
                    done.Add(Report(scenario, rows));
                }

                break;
            }

            done.Add(Report(scenario, rows));
        }

        return new CompareReport
        {
            StartedAt = startedAt,
            Duration = clock.Elapsed,
            Mode = context.Live ? "live" : "emulated",
            Scenarios = done,
            Complete = stopped is null,
            StoppedBecause = stopped,
            Notes = Notes(context),
        };
    }

    private static ScenarioReport Report(ICompareScenario scenario, IReadOnlyList<HostResult> rows) => new()
    {
        Id = scenario.Id,
        Pattern = scenario.Pattern,
        Title = scenario.Title,
        Description = scenario.Description,
        Rows = rows,
    };

    private static List<string> Notes(ScenarioContext context) => context.Live
        ? [.. context.LiveTargets!.Select(t => $"{t.Key}: {t.Value}"), "Live: only the scenarios driven over HTTP alone ran; latency includes the network to each cloud."]
        :
        [
            "Every host ran on this machine behind its platform's emulator: the local host as `portable run`; Lambda's bootstrap behind the Runtime API and API Gateway (HTTP API v2; REST v1 for the slow handler); the Cloud Run server behind Cloud Run's front end; the isolated worker under the Functions host (gRPC). Hosts are this clone's framework-dependent builds, run one at a time.",
            $"Platform time is scaled by {context.TimeScale:0.###}: a 29 s timeout ran as {context.Scaled(TimeSpan.FromSeconds(29)).TotalMilliseconds:0} ms, and the handler was slowed in proportion. Reported times are the platform's (unscaled), with the measured figure beside them.",
            "Latency is loopback latency through the emulated front door: it compares the adapters' overhead, not the clouds' networks.",
        ];

    private static string FirstLine(Exception ex)
    {
        var message = ex.Message.ReplaceLineEndings("\n");
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return $"{ex.GetType().Name}: {(end < 0 ? message : message[..end])}";
    }
}
