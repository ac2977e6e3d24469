using System.Diagnostics;
using Portable.Compare.Queues;
using Portable.Conformance.Queues;
using Xunit.Abstractions;

namespace Portable.Conformance;

/// <summary>
/// The ledger's queue scenarios through every host's real delivery protocol and emulator; each host must meet the
/// spec and record the same normalised transcript as the local host. Where platforms legitimately differ
/// (batching, the clock before a retry) the difference is a printed fact checked against the host's delivery profile.
/// </summary>
public sealed class QueueConformanceTests(QueueConformanceTests.Hosts hosts, ITestOutputHelper output) : IClassFixture<QueueConformanceTests.Hosts>
{
    public static TheoryData<string> HostNames => [.. QueueHostsUnderTest.Names];

    [Theory]
    [MemberData(nameof(HostNames))]
    public async Task LedgerQueue_EveryScenario_BehavesAsSpecifiedAndLikeLocal(string host)
    {
        var clock = Stopwatch.StartNew();
        await using var pair = await hosts.TakeAsync(host);
        var waited = clock.Elapsed;
        var transcript = await LedgerQueueScenario.RunAsync(host, pair.Host, pair.Faulty);
        output.WriteLine($"{host}: waited {waited.TotalMilliseconds:0} ms for the host, ran the scenarios in {(clock.Elapsed - waited).TotalMilliseconds:0} ms");
        foreach (var line in transcript.Lines)
        {
            output.WriteLine("  " + line);
        }

        foreach (var fact in transcript.Facts)
        {
            output.WriteLine("  fact: " + fact);
        }

        if (ItemsScenario.Diff("local", hosts.LocalTranscript, host, transcript.Lines) is { } difference)
        {
            Assert.Fail(difference);
        }
    }

    /// <summary>
    /// Starts every host pair at once (child processes and engines dominate the run), and records the local host's
    /// transcript on a pair of its own for every host to be compared with. A test takes its pair and disposes it; the
    /// fixture disposes any pair no test took.
    /// </summary>
    public sealed class Hosts : IAsyncLifetime
    {
        private readonly Dictionary<string, Task<QueueHostPair>> _starting = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        public IReadOnlyList<string> LocalTranscript { get; private set; } = [];

        /// <summary>The started pair named <paramref name="name"/>, now the caller's to dispose; throws what its start threw.</summary>
        public Task<QueueHostPair> TakeAsync(string name)
        {
            lock (_gate)
            {
                return _starting.Remove(name, out var starting) ? starting : QueueHostsUnderTest.StartAsync(name);
            }
        }

        public async Task InitializeAsync()
        {
            lock (_gate)
            {
                foreach (var name in QueueHostsUnderTest.Names)
                {
                    _starting[name] = Task.Run(() => QueueHostsUnderTest.StartAsync(name));
                }
            }

            try
            {
                await using var reference = await QueueHostsUnderTest.StartAsync("local");
                LocalTranscript = (await LedgerQueueScenario.RunAsync("local", reference.Host, reference.Faulty)).Lines;
            }
            catch
            {
                await DisposeAsync(); // no child process outlives a fixture that failed to start
                throw;
            }
        }

        public async Task DisposeAsync()
        {
            Task<QueueHostPair>[] left;
            lock (_gate)
            {
                left = [.. _starting.Values];
                _starting.Clear();
            }

            foreach (var starting in left)
            {
                await Task.WhenAny(starting);
                if (starting.IsCompletedSuccessfully)
                {
                    await starting.Result.DisposeAsync();
                }
            }
        }
    }
}
