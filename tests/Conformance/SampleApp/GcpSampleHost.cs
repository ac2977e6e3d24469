using System.Net.Http.Headers;
using System.Text;
using Portable.Core.Messaging;
using Portable.Compare.Hosts;
using Portable.SampleApp;

namespace Portable.Conformance.SampleApp;

/// <summary>
/// The sample as one Cloud Run service (<c>PORTABLE_SAMPLE_HOST=gcp</c>, <c>PORT</c> set): <c>tally-api</c> on its
/// routes, <c>tally-counter</c> fed by the Pub/Sub push emulator posting wrapped envelopes to <c>/tally-counter</c>.
/// The service dead-letters by publishing to <c>tallies-dead-letter</c> through <c>PUBSUB_EMULATOR_HOST</c>. One
/// instance, so state in the process is shared by both functions.
/// </summary>
internal sealed class GcpSampleHost(PubSubPushHost host) : ISampleHostUnderTest
{
    private readonly string _deadLetterTopic = TallyApp.Queue + PubSubPushHost.DeadLetterSuffix;

    public HttpClient Client { get; } = host.Service.CreateClient(HostDefaults.RequestTimeout);

    public string DeadLetterPath => $"Pub/Sub {_deadLetterTopic}";

    public string Output => host.Service.Process.Output;

    public static async Task<ISampleHostUnderTest> StartAsync() => new GcpSampleHost(await PubSubPushHost.StartAsync(
        environment: SampleHosts.Environment("gcp"), program: HostBuilds.SampleApp, topic: TallyApp.Queue, function: TallyApp.CounterFunction));

    public Task SendAsync(string body) => DeliverAsync(Publish(body));

    public async Task SendDeliveredTwiceAsync(string body)
    {
        var id = Publish(body);
        await DeliverAsync(id);

        // Pub/Sub delivers at least once: the same message pushed again, as the subscription's next delivery attempt.
        var message = host.PubSub.Messages(TallyApp.Queue).Single(m => m.MessageId == id);
        using var push = new ByteArrayContent(host.PubSub.BuildEnvelope(message, deliveryAttempt: 2));
        push.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var answer = await Client.PostAsync(new Uri($"/{TallyApp.CounterFunction}", UriKind.Relative), push);
        Assert.True(answer.IsSuccessStatusCode, $"The redelivery of {id} was answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}\n{Output}");
    }

    public Task<IReadOnlyList<SampleDeadLetter>> DeadLettersAsync()
    {
        IReadOnlyList<SampleDeadLetter> letters = [.. host.PubSub.Messages(_deadLetterTopic).Select(m => new SampleDeadLetter(
            Encoding.UTF8.GetString(m.Data), m.Attributes.GetValueOrDefault(PublishingDeadLetterSink.ReasonAttribute, "(no reason attribute)")))];
        return Task.FromResult(letters);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await host.DisposeAsync();
    }

    private string Publish(string body) => host.PubSub.Publish(TallyApp.Queue, Encoding.UTF8.GetBytes(body));

    /// <summary>Pushes what is due until <paramref name="id"/> is neither pending nor nacked (acknowledged or dead-lettered).</summary>
    private Task DeliverAsync(string id) => Eventually.UntilAsync(
        $"gcp: message {id} settled",
        async () =>
        {
            var pushed = await host.PubSub.DeliverDueAsync();
            Assert.True(pushed.All(a => a.Outcome == Emulators.Gcp.PushOutcome.Acked), $"A push was not acknowledged: {string.Join(", ", pushed.Select(a => $"{a.MessageId} {a.Outcome} {a.StatusCode}"))}\n{Output}");
            return host.PubSub.PendingCount == 0;
        },
        () => Output);
}
