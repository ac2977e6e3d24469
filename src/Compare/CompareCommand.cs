using System.Globalization;
using Portable.Compare.Model;
using Portable.Compare.Report;
using Portable.Compare.Scenarios;

namespace Portable.Compare;

/// <summary>
/// <c>portable compare</c>: runs the scenarios on the hosts, prints progress to stderr and the Markdown tables to
/// stdout, and writes <c>compare-report.md</c> and <c>compare-report.html</c>. Cancelling (Ctrl+C) stops the run and
/// still writes the partial report.
/// </summary>
public static class CompareCommand
{
    /// <summary>The command's usage, for <c>portable help</c>.</summary>
    public const string Usage = """
          compare    every pattern's scenarios on local, aws, gcp and azure side by side (portable compare --help)
                     --out DIR            write compare-report.md and compare-report.html there (default: the current folder)
                     --scenario ID[,ID]   only these scenarios (--list names them)
                     --hosts H[,H]        only these hosts (local, aws, gcp, azure)
                     --live FILE          the HTTP scenarios against deployed URLs: a JSON object of host → base URL
                     --time-scale X       run platform time X times as fast (default 0.02: a 29 s timeout as 580 ms)
                     --list               list the scenarios
                     --profiles           print each cloud's delivery profile (batching, retries, dead letters)
        """;

    /// <summary>Exit code of a run stopped by Ctrl+C (128 + SIGINT), after the partial report is written.</summary>
    public const int Interrupted = 130;

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>compare</c>.</param>
    /// <param name="stdout">Where the tables go.</param>
    /// <param name="stderr">Where progress and errors go.</param>
    /// <param name="scenarios">The scenarios to choose from (<see cref="CompareScenarios.All"/>).</param>
    /// <param name="time">The clock for the report's start.</param>
    /// <param name="cancellationToken">Ctrl+C: stops the run, and the partial report is written.</param>
    /// <returns>0 when every scenario ran; 1 when one failed to run on a host; 2 for a usage error; 130 when stopped.</returns>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, IReadOnlyList<ICompareScenario> scenarios, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(scenarios);
        CompareOptions options;
        try
        {
            options = CompareOptions.Parse(args, scenarios);
        }
        catch (CompareUsageException ex)
        {
            await stderr.WriteLineAsync(ex.Message).ConfigureAwait(false);
            await stderr.WriteLineAsync("Usage: portable compare [--out DIR] [--scenario ID,...] [--hosts H,...] [--live FILE] [--time-scale X] [--list]").ConfigureAwait(false);
            return 2;
        }

        if (options.List)
        {
            foreach (var scenario in scenarios)
            {
                await stdout.WriteLineAsync($"{scenario.Id,-34} {scenario.Pattern,-18} {(scenario.RunsLive ? "live too" : "emulated")}  {scenario.Title}").ConfigureAwait(false);
            }

            return 0;
        }

        var chosen = options.Chosen.Where(s => options.Live is null || s.RunsLive).ToList();
        if (chosen.Count == 0)
        {
            await stderr.WriteLineAsync("None of the chosen scenarios runs live (--list shows which do).").ConfigureAwait(false);
            return 2;
        }

        var hosts = options.Live is { } live ? options.Hosts.Where(live.ContainsKey).ToList() : options.Hosts;
        var context = new ScenarioContext
        {
            LiveTargets = options.Live,
            TimeScale = options.TimeScale,
            Progress = line => stderr.WriteLine(line),
        };

        CompareReport report;
        await using (context.ConfigureAwait(false))
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"portable compare: {chosen.Count} scenario(s) on {string.Join(", ", hosts)} ({(options.Live is null ? "emulated" : "live")}); Ctrl+C stops and writes the partial report."));
            report = await CompareRunner.RunAsync(chosen, hosts, context, time, cancellationToken).ConfigureAwait(false);
        }

        // Written whatever happened: a stopped run's report is the point of stopping cleanly.
        var paths = await ReportFiles.WriteAsync(report, options.Out, CancellationToken.None).ConfigureAwait(false);
        await stdout.WriteAsync(MarkdownReport.Render(report)).ConfigureAwait(false);
        await stderr.WriteLineAsync($"Wrote {paths.Markdown} and {paths.Html}.").ConfigureAwait(false);
        if (!report.Complete)
        {
            return Interrupted;
        }

        return report.Scenarios.SelectMany(s => s.Rows).Any(r => r.Outcome == "failed to run") ? 1 : 0;
    }
}
