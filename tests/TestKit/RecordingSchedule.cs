using Portable.Core.Functions;
using Portable.Core.Schedules;
using Portable.Testing;

namespace Portable.TestKit;

/// <summary>
/// One schedule function, <see cref="FunctionName"/> (every minute), in a <see cref="FunctionTestHost"/> whose clock
/// stands at the given time: it records each tick it runs and fails with <see cref="FailureMessage"/> while
/// <see cref="Fail"/> is set. The adapters' schedule tests drive it through their own envelopes.
/// </summary>
public sealed class RecordingSchedule : IAsyncDisposable
{
    /// <summary>The function's name.</summary>
    public const string FunctionName = "reconcile";

    /// <summary>What a failing run throws.</summary>
    public const string FailureMessage = "reconciliation broke";

    private readonly List<ScheduledInvocation> _ticks = [];

    /// <summary>Creates the host with its clock at <paramref name="now"/>.</summary>
    public RecordingSchedule(DateTimeOffset now)
    {
        var manifest = new FunctionManifestBuilder()
            .AddSchedule(FunctionName, "* * * * *", (tick, context, ct) =>
            {
                lock (_ticks)
                {
                    _ticks.Add(tick);
                }

                return Fail ? throw new InvalidOperationException(FailureMessage) : ValueTask.CompletedTask;
            })
            .Build();
        Host = new FunctionTestHost(manifest);
        Host.Clock.SetUtcNow(now);
    }

    /// <summary>The host: its <see cref="FunctionTestHost.ScheduleInvoker"/> and <see cref="FunctionTestHost.Clock"/>.</summary>
    public FunctionTestHost Host { get; }

    /// <summary>The function's definition, as a mapper binds it.</summary>
    public FunctionDefinition Function => Host.ScheduleInvoker.GetFunction(FunctionName);

    /// <summary>Makes every run from now on fail.</summary>
    public bool Fail { get; set; }

    /// <summary>The ticks run so far.</summary>
    public IReadOnlyList<ScheduledInvocation> Ticks
    {
        get
        {
            lock (_ticks)
            {
                return [.. _ticks];
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
