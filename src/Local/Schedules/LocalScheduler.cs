using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Schedules;
using Portable.Core.State;

namespace Portable.Local.Schedules;

/// <summary>
/// Runs every schedule function of the manifest on the local host, as a cloud scheduler would. The scheduled time of
/// each function's last run is kept in the state store (collection <see cref="Collection"/>), so a host that was down
/// runs what it missed once — one run for the latest occurrence, the others counted in
/// <see cref="ScheduledInvocation.MissedTicks"/> — not once per missed tick. A function seen for the first time starts
/// from now, with nothing to catch up. A failed run is logged by Core and not repeated: the next occurrence runs as
/// scheduled, as on the clouds' timers.
/// </summary>
public sealed partial class LocalScheduler(ScheduleInvoker invoker, IStateStore store, TimeProvider timeProvider, ILogger<LocalScheduler> logger) : BackgroundService
{
    /// <summary>The state-store collection holding each schedule function's last scheduled time.</summary>
    public const string Collection = "portable-schedules";

    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Runs each schedule function that has an occurrence due now, once, and records it; returns what ran. The host
    /// calls it at every occurrence; a test calls it after moving its clock.
    /// </summary>
    public async Task<IReadOnlyList<(string Function, ScheduledInvocation Tick, ScheduleResult Result)>> RunDueAsync(CancellationToken cancellationToken)
    {
        var ran = new List<(string, ScheduledInvocation, ScheduleResult)>();
        foreach (var (function, trigger) in invoker.Manifest.FunctionsOf<ScheduleTrigger>())
        {
            var last = await LastScheduledAsync(function.Name, cancellationToken).ConfigureAwait(false);
            if (last is null)
            {
                await RecordAsync(function.Name, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (trigger.Schedule.DueSince(last.Value, timeProvider) is not { } tick)
            {
                continue;
            }

            // Recorded first: a process killed mid-run does not run the same occurrence again at its next start.
            await RecordAsync(function.Name, tick.ScheduledTime, cancellationToken).ConfigureAwait(false);
            var result = await invoker.InvokeAsync(function, tick, new InvocationInfo(), cancellationToken).ConfigureAwait(false);
            ran.Add((function.Name, tick, result));
        }

        return ran;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedules = invoker.Manifest.FunctionsOf<ScheduleTrigger>().ToList();
        if (schedules.Count == 0)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPassFailed(logger, ex);
            }

            var now = timeProvider.GetUtcNow();
            var next = schedules.Select(s => s.Trigger.Schedule.NextOccurrence(now)).Where(n => n is not null).Min();
            var wait = next is { } at ? at - now : Idle;
            try
            {
                await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<DateTimeOffset?> LastScheduledAsync(string function, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(Collection, function, cancellationToken).ConfigureAwait(false);
        return entry is null
            ? null
            : DateTimeOffset.Parse(Encoding.UTF8.GetString(entry.Value.Span), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
    }

    private ValueTask<StateWriteResult> RecordAsync(string function, DateTimeOffset scheduled, CancellationToken cancellationToken) =>
        store.PutAsync(Collection, function, Encoding.UTF8.GetBytes(scheduled.ToString("O", CultureInfo.InvariantCulture)), cancellationToken: cancellationToken);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Error, Message = "A pass of the local scheduler failed; it tries again at the next occurrence")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
