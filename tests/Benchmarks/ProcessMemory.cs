using System.Globalization;

namespace Portable.Benchmarks;

/// <summary>Memory figures of a live child process, from Linux's /proc.</summary>
internal static class ProcessMemory
{
    /// <summary>
    /// Peak resident set size in MiB: <c>VmHWM</c> ("high water mark") in <c>/proc/{pid}/status</c>, the most
    /// physical memory the process has held at once since it started. Read it before the process is killed.
    /// </summary>
    public static async Task<double> PeakRssMbAsync(int processId, CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync($"/proc/{processId}/status", cancellationToken);
        var line = lines.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"/proc/{processId}/status has no VmHWM line.");
        var kb = long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        return kb / 1024.0;
    }
}
