using System.Diagnostics;
using Portable.Conformance.Hosts;
using Xunit.Abstractions;

namespace Portable.Conformance;

/// <summary>The Items API scenario list, through every host's real protocol; each host must match the spec and the local host.</summary>
public sealed class ItemsApiConformanceTests(ItemsApiConformanceTests.Hosts hosts, ITestOutputHelper output) : IClassFixture<ItemsApiConformanceTests.Hosts>
{
    public static TheoryData<string> HostNames => [.. ItemsHostsUnderTest.Names];

    [Theory]
    [MemberData(nameof(HostNames))]
    public async Task ItemsApi_EveryScenario_BehavesAsSpecifiedAndLikeLocal(string host)
    {
        var clock = Stopwatch.StartNew();
        await using var underTest = await hosts.TakeAsync(host);
        var waited = clock.Elapsed;
        var transcript = await ItemsScenario.RunAsync(host, underTest.Client);
        output.WriteLine($"{host}: waited {waited.TotalMilliseconds:0} ms for the host, ran {transcript.Count} steps in {(clock.Elapsed - waited).TotalMilliseconds:0} ms");
        if (ItemsScenario.Diff("local", hosts.LocalTranscript, host, transcript) is { } difference)
        {
            Assert.Fail(difference);
        }
    }

    /// <summary>
    /// Starts every host at once (most are child processes whose start-up dominates the run), each with empty state,
    /// and records the local host's transcript on a host of its own for every host to be compared with. A test takes
    /// its host and disposes it; the fixture disposes any host no test took.
    /// </summary>
    public sealed class Hosts : IAsyncLifetime
    {
        private readonly Dictionary<string, Task<IHostUnderTest>> _starting = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        public IReadOnlyList<string> LocalTranscript { get; private set; } = [];

        /// <summary>The started host named <paramref name="name"/>, now the caller's to dispose; throws what its start threw.</summary>
        public Task<IHostUnderTest> TakeAsync(string name)
        {
            lock (_gate)
            {
                return _starting.Remove(name, out var starting) ? starting : ItemsHostsUnderTest.StartAsync(name);
            }
        }

        public async Task InitializeAsync()
        {
            lock (_gate)
            {
                foreach (var name in ItemsHostsUnderTest.Names)
                {
                    _starting[name] = Task.Run(() => ItemsHostsUnderTest.StartAsync(name));
                }
            }

            try
            {
                await using var reference = await ItemsHostsUnderTest.StartAsync("local");
                LocalTranscript = await ItemsScenario.RunAsync("local", reference.Client);
            }
            catch
            {
                await DisposeAsync(); // no child process outlives a fixture that failed to start
                throw;
            }
        }

        public async Task DisposeAsync()
        {
            Task<IHostUnderTest>[] left;
            lock (_gate)
            {
                left = [.. _starting.Values];
                _starting.Clear();
            }

            foreach (var starting in left)
            {
                await Task.WhenAny(starting); // a start that failed was reported by its test; one never taken is stopped here
                if (starting.IsCompletedSuccessfully)
                {
                    await starting.Result.DisposeAsync();
                }
            }
        }
    }
}
