using System.Globalization;

namespace Portable.Benchmarks;

/// <summary>
/// CPU time a child process has used, from Linux's /proc. Unlike wall-clock figures it barely moves when other work
/// shares the machine, so it is reported beside them.
/// </summary>
internal static class ProcessCpu
{
    private static readonly double TickNanoseconds = 1e9 / 100; // USER_HZ: 100 on Linux (getconf CLK_TCK)

    /// <summary>On-CPU time of the process's live threads, to the nanosecond (first field of <c>/proc/{pid}/task/*/schedstat</c>).</summary>
    public static async Task<TimeSpan> ThreadsOnCpuAsync(int processId, CancellationToken cancellationToken)
    {
        long nanoseconds = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
        {
            try
            {
                var text = await File.ReadAllTextAsync(Path.Combine(task, "schedstat"), cancellationToken);
                nanoseconds += long.Parse(text.Split(' ', 2)[0], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the thread ended between listing and reading
            }
        }

        return TimeSpan.FromTicks(nanoseconds / 100);
    }

    /// <summary>User + system time of the whole process, ended threads included, in 10 ms ticks (<c>utime</c> + <c>stime</c> of <c>/proc/{pid}/stat</c>).</summary>
    public static async Task<TimeSpan> ProcessTimeAsync(int processId, CancellationToken cancellationToken)
    {
        var stat = await File.ReadAllTextAsync($"/proc/{processId}/stat", cancellationToken);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from 3 (state) on; the name in (...) may hold spaces
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // fields 14, 15
        return TimeSpan.FromTicks((long)(ticks * TickNanoseconds / 100));
    }
}
