using Microsoft.Extensions.Time.Testing;

namespace Portable.Testing;

/// <summary>
/// The kit's clock: a <see cref="FakeTimeProvider"/> that starts at a fixed instant and moves only when the test
/// advances it, so deadlines, expiries and timestamps in payloads are the same on every run.
/// </summary>
public static class TestClock
{
    /// <summary>2026-11-01T12:00:00Z: where every clock and payload timestamp of the kit starts unless told otherwise.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A new fake clock at <paramref name="start"/>, or at <see cref="Start"/>.</summary>
    public static FakeTimeProvider Create(DateTimeOffset? start = null) => new(start ?? Start);
}
