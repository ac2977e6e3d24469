namespace Portable.Compare.Scenarios;

/// <summary>Percentiles of measured durations, nearest-rank: the p-th percentile is a value that was measured.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percentile"/>-th percentile (0 &lt; p ≤ 100) of <paramref name="samples"/>; null when there are none.</summary>
    /// <param name="samples">The measured durations, in any order.</param>
    /// <param name="percentile">50 for the median, 99 for p99.</param>
    public static TimeSpan? Of(IReadOnlyCollection<TimeSpan> samples, double percentile)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (samples.Count == 0)
        {
            return null;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
