using Portable.Compare.Hosts;
using Portable.SampleApp;

namespace Portable.Conformance.SampleApp;

/// <summary>
/// The sample's own executable running <c>LocalHost</c> (<c>PORTABLE_SAMPLE_HOST=local --port N --data DIR</c>):
/// messages go in through <c>POST /_local/queues/tallies</c> with a <c>Message-Id</c>, its own worker delivers them,
/// and dead letters come from the SQLite dead-letter table through <c>GET /_local/queues/tallies/dead-letters</c>.
/// </summary>
internal sealed class LocalSampleHost(LocalHostProcess host) : ISampleHostUnderTest
{
    private int _sent;

    public HttpClient Client { get; } = host.CreateClient(HostDefaults.RequestTimeout);

    public string DeadLetterPath => "the local dead-letter table (GET /_local/queues/tallies/dead-letters)";

    public string Output => host.Process.Output;

    public static async Task<ISampleHostUnderTest> StartAsync() =>
        new LocalSampleHost(await LocalHostProcess.StartAsync(SampleHosts.Environment("local"), program: HostBuilds.SampleApp));

    public Task SendAsync(string body) => SendAsync(body, $"tally-{Interlocked.Increment(ref _sent)}");

    public async Task SendDeliveredTwiceAsync(string body)
    {
        var id = $"tally-{Interlocked.Increment(ref _sent)}";
        await SendAsync(body, id);
        await SendAsync(body, id); // the same id again, once the first copy is gone: a redelivery
    }

    public async Task<IReadOnlyList<SampleDeadLetter>> DeadLettersAsync() =>
        [.. (await host.DeadLettersAsync(TallyApp.Queue)).Select(l => new SampleDeadLetter(l.Body, l.Reason))];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await host.DisposeAsync();
    }

    private async Task SendAsync(string body, string id)
    {
        await host.EnqueueAsync(TallyApp.Queue, body, id);
        await Eventually.UntilAsync($"local: message {id} settled", async () => (await host.DepthAsync(TallyApp.Queue)).Messages == 0, () => Output);
    }
}
