using Portable.Compare.Apps;
using Portable.Compare.Hosts;
using Portable.Conformance.Hosts;
using Portable.Core.Messaging;
using Portable.Emulators.Aws;
using Portable.Engines;
using Portable.SampleApp;

namespace Portable.Conformance.SampleApp;

/// <summary>
/// The sample as two Lambda functions of one bootstrap (<c>PORTABLE_SAMPLE_HOST=aws</c>): <c>tally-api</c> behind the
/// API Gateway HTTP API (v2) emulator, <c>tally-counter</c> behind the SQS event source emulator on <c>tallies</c>,
/// each its own process polling its own Runtime API, sharing state only through DynamoDB on dynalite. The counter's
/// dead-letter sink sends to <c>tallies-dlq</c> over the SQS protocol.
/// </summary>
internal sealed class AwsSampleHost : ISampleHostUnderTest
{
    private readonly DynaliteFixture _dynalite;
    private readonly LambdaHttpHost _api;
    private readonly LambdaSqsHost _counter;

    private AwsSampleHost(DynaliteFixture dynalite, LambdaHttpHost api, LambdaSqsHost counter)
    {
        _dynalite = dynalite;
        _api = api;
        _counter = counter;
        Client = api.CreateClient(HostDefaults.RequestTimeout);
    }

    public HttpClient Client { get; }

    public string DeadLetterPath => $"SQS {_counter.Sqs.DeadLetterQueueName}";

    public string Output => $"tally-api:\n{_api.Function.Output}\ntally-counter:\n{_counter.Output}";

    public static async Task<ISampleHostUnderTest> StartAsync()
    {
        var dynalite = new DynaliteFixture();
        Task<LambdaHttpHost>? api = null;
        Task<LambdaSqsHost>? counter = null;
        try
        {
            await dynalite.InitializeAsync();
            var environment = SampleHosts.Environment("aws", await DynamoDbOnDynalite.CreateTableAsync(dynalite.Engine, "Tallies"));
            api = LambdaHttpHost.StartAsync(TallyApp.ApiFunction, environment: environment, bootstrap: HostBuilds.SampleApp);
            counter = LambdaSqsHost.StartAsync(environment: environment, bootstrap: HostBuilds.SampleApp, handler: TallyApp.CounterFunction, queue: TallyApp.Queue);
            await Task.WhenAll(api, counter);
            return new AwsSampleHost(dynalite, api.Result, counter.Result);
        }
        catch
        {
            await SampleHosts.DisposeIfStartedAsync(api);
            await SampleHosts.DisposeIfStartedAsync(counter);
            await dynalite.DisposeAsync();
            throw;
        }
    }

    public async Task SendAsync(string body) => await DeliverAsync(_counter.Sqs.Send(body));

    public async Task SendDeliveredTwiceAsync(string body)
    {
        var id = _counter.Sqs.Send(body);
        var message = _counter.Sqs.Messages().Single(m => m.MessageId == id); // kept: SQS deletes it once acknowledged
        await DeliverAsync(id);

        // SQS delivers at least once: the same message again, the event source mapping's next receive of it.
        var again = await _counter.RuntimeApi.InvokeAsync(new LambdaInvocationRequest { Payload = _counter.Sqs.BuildEvent([message with { ReceiveCount = message.ReceiveCount + 1 }]) });
        Assert.True(again.IsSuccess && !again.PayloadText.Contains(id, StringComparison.Ordinal), $"The redelivery of {id} failed: {again.Outcome} {again.PayloadText}{again.ErrorBodyText}\n{Output}");
    }

    public Task<IReadOnlyList<SampleDeadLetter>> DeadLettersAsync()
    {
        IReadOnlyList<SampleDeadLetter> letters = [.. _counter.Sqs.DeadLetters.Select(m => new SampleDeadLetter(
            m.Body, m.Attributes.GetValueOrDefault(PublishingDeadLetterSink.ReasonAttribute, "(no reason attribute)")))];
        return Task.FromResult(letters);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _counter.DisposeAsync();
        await _api.DisposeAsync();
        await _dynalite.DisposeAsync();
    }

    /// <summary>Polls the event source mapping until <paramref name="id"/> has left the queue (acknowledged or dead-lettered).</summary>
    private Task DeliverAsync(string id) => Eventually.UntilAsync(
        $"aws: message {id} settled",
        async () =>
        {
            var poll = await _counter.Sqs.PollOnceAsync();
            Assert.True(poll.Invocation is not { IsSuccess: false }, $"tally-counter failed: {poll.Invocation?.Outcome} {poll.Invocation?.ErrorBodyText}\n{Output}");
            return _counter.Sqs.Messages().All(m => m.MessageId != id);
        },
        () => Output);
}
