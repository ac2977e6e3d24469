using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.Functions;
using Portable.Core.Schedules;
using Portable.Local.Schedules;
using Portable.Local.State;
using Portable.Testing;

namespace Portable.Local.Tests.Schedules;

/// <summary>
/// The local host's scheduler on SQLite and a fake clock: nothing to catch up at first start, one run per due
/// occurrence, and a host that was down runs what it missed once, counted, across a restart.
/// </summary>
public sealed class LocalSchedulerTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 10, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("portable-schedules-").FullName;
    private readonly List<ScheduledInvocation> _ticks = [];
    private readonly FunctionTestHost _host;

    public LocalSchedulerTests()
    {
        var manifest = new FunctionManifestBuilder()
            .AddSchedule("every-minute", "* * * * *", (tick, context, ct) =>
            {
                _ticks.Add(tick);
                return ValueTask.CompletedTask;
            })
            .Build();
        _host = new FunctionTestHost(manifest);
        _host.Clock.SetUtcNow(Start);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private LocalScheduler NewScheduler() =>
        new(_host.ScheduleInvoker, new SqliteStateStore(Path.Combine(_directory, "portable.db"), _host.Clock), _host.Clock, NullLogger<LocalScheduler>.Instance);

    [Fact]
    public async Task FirstStart_RunsNothing_ThenEachOccurrenceOnce()
    {
        var scheduler = NewScheduler();

        Assert.Empty(await scheduler.RunDueAsync(CancellationToken.None));

        _host.Clock.Advance(TimeSpan.FromSeconds(50)); // 12:01:00
        var ran = Assert.Single(await scheduler.RunDueAsync(CancellationToken.None));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 1, 0, TimeSpan.Zero), ran.Tick.ScheduledTime);
        Assert.Equal(0, ran.Tick.MissedTicks);
        Assert.True(ran.Result.Succeeded);

        Assert.Empty(await scheduler.RunDueAsync(CancellationToken.None)); // the same occurrence is not run twice
        Assert.Single(_ticks);
    }

    [Fact]
    public async Task HostDownForTenMinutes_RunsTheMissedTicksOnce_AfterARestart()
    {
        await NewScheduler().RunDueAsync(CancellationToken.None); // first start at 12:00:10 records "now"

        _host.Clock.Advance(TimeSpan.FromMinutes(10)); // down until 12:10:10
        var ran = Assert.Single(await NewScheduler().RunDueAsync(CancellationToken.None));

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 10, 0, TimeSpan.Zero), ran.Tick.ScheduledTime);
        Assert.Equal(9, ran.Tick.MissedTicks);
        Assert.True(ran.Tick.IsPastDue);
        Assert.Single(_ticks);
    }
}
