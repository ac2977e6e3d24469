using System.Diagnostics;

namespace Portable.Conformance.SampleApp;

/// <summary>Waits for asynchronous delivery by polling, never by sleeping a fixed time.</summary>
internal static class Eventually
{
    /// <summary>How long a queue may take to settle a message: generous, for a loaded two-core machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Calls <paramref name="done"/> (which may also do a step of delivery) every 20 ms until it is true; fails after
    /// <see cref="Timeout"/> with <paramref name="what"/> and the host's <paramref name="output"/>.
    /// </summary>
    public static async Task UntilAsync(string what, Func<Task<bool>> done, Func<string> output)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            if (clock.Elapsed > Timeout)
            {
                throw new Xunit.Sdk.XunitException($"{what}: not within {Timeout.TotalSeconds:0} s. Host output:\n{output()}");
            }

            await Task.Delay(20);
        }
    }
}
