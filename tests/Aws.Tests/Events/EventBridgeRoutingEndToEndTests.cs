using System.Net;
using System.Text;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Aws.EventBridge;
using Portable.Aws.Events;
using Portable.Aws.Messaging;
using Portable.Aws.Runtime;
using Portable.Core.App;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Settings;
using Portable.Emulators.Aws;
using Portable.TestKit;

namespace Portable.Aws.Tests.Events;

/// <summary>
/// Content-based routing on AWS, end to end, with the scenario every host runs (<see cref="RoutingScenario"/>): the
/// publishing function behind API Gateway puts its events on EventBridge with a SigV4-signed <c>PutEvents</c> (the
/// emulator recomputes the signature); rules made from the manifest's event functions route them to a Lambda target
/// (<c>charge-payment</c>, <c>notify-shipping</c>) or to an SQS queue whose event source mapping invokes the function
/// (<c>big-order-audit</c>). Each function is its own Lambda: a Runtime API, a bootstrap loop and a container composed
/// as the Lambda host composes one. The same events reach the same functions as on the local bus, a failed delivery is
/// retried by EventBridge and a poison event is dead-lettered to the rule's <c>-dlq</c> queue.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)] // the bootstrap loops set _X_AMZN_TRACE_ID
public sealed class EventBridgeRoutingEndToEndTests : IAsyncLifetime
{
    private const string KeyId = "AKIDLOCAL";
    private const string Secret = "local-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly RoutingScenario _scenario = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<Task> _loops = [];
    private readonly Dictionary<string, LambdaRuntimeApiEmulator> _functions = [];
    private EventBridgeEmulator _bus = null!;
    private SqsEventSourceEmulator _auditQueue = null!;
    private ApiGatewayEmulator _gateway = null!;

    public async Task InitializeAsync()
    {
        _bus = await EventBridgeEmulator.StartAsync(new EventBridgeEmulatorOptions { Credentials = new Dictionary<string, string> { [KeyId] = Secret } });
        foreach (var function in _scenario.Manifest.Functions)
        {
            _functions[function.Name] = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = function.Name });
        }

        // The SQS target's queue is named after the rule, so the function's dead letters go to <rule>-dlq beside it.
        _auditQueue = await SqsEventSourceEmulator.StartAsync(_functions[RoutingScenario.BigOrderAudit], new SqsEventSourceEmulatorOptions { QueueName = RoutingScenario.BigOrderAuditRule });
        foreach (var function in _scenario.Manifest.Functions)
        {
            await StartFunctionAsync(function.Name);
        }

        _gateway = await ApiGatewayEmulator.StartAsync(_functions[RoutingScenario.PublisherFunction]);

        // The rules as the deployment declares them: each event function's pattern, the function (or its queue) as the target.
        foreach (var (function, trigger) in _scenario.Manifest.FunctionsOf<EventTrigger>())
        {
            var target = function.Name == RoutingScenario.BigOrderAudit
                ? EventBridgeTarget.Sqs(function.Name, _auditQueue)
                : EventBridgeTarget.Lambda(function.Name, _functions[function.Name]);
            _bus.AddRule(trigger.Rule, trigger.Pattern, [target]);
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _gateway.DisposeAsync();
        await _bus.DisposeAsync();
        await _auditQueue.DisposeAsync();
        foreach (var runtime in _functions.Values)
        {
            await runtime.DisposeAsync();
        }

        await Task.WhenAny(Task.WhenAll(_loops), Task.Delay(TimeSpan.FromSeconds(10)));
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task PublishedByALambda_TheRulesRouteEachEventToTheSameFunctionsAsTheLocalBus()
    {
        using var http = new HttpClient();
        using var published = await http.PostAsync(new Uri(_gateway.BaseAddress, "publish"), new StringContent(RoutingScenario.Events, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        var ids = System.Text.Json.JsonDocument.Parse(await published.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(_bus.Events.Select(e => e.Id), ids); // EventBridge's own ids, in order
        Assert.Equal(7, ids.Count);
        Assert.All(_bus.Authorizations, a => Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={KeyId}/", a, StringComparison.Ordinal));

        await DrainAsync();

        Assert.Equal(RoutingScenario.ExpectedHandled, _scenario.Handled);
        Assert.Equal(RoutingScenario.ExpectedPoisoned, _scenario.Poisoned);
        Assert.Equal(RoutingScenario.ExpectedFailedOnce, _scenario.Failed);

        // e4 failed at notify-shipping and EventBridge delivered it again, under the same event id.
        var e4 = _scenario.Attempts.Where(a => a.Ref == "e4").ToList();
        Assert.Single(e4.Select(a => a.EventId).Distinct());
        Assert.Equal(
            [EventBridgeDeliveryOutcome.Failed, EventBridgeDeliveryOutcome.Delivered],
            _bus.Deliveries.Where(d => d.EventId == e4[0].EventId).Select(d => d.Outcome));
        Assert.StartsWith(EventTriggerMapper.FailedErrorType, _bus.Deliveries.First(d => d.Outcome == EventBridgeDeliveryOutcome.Failed).Error, StringComparison.Ordinal);

        // e7 was poison for big-order-audit: the function dead-lettered it to audit-big-orders-dlq, and the queue let it go.
        var letter = Assert.Single(_auditQueue.DeadLetters);
        Assert.Equal("e7", PortableEvent.FromEnvelope(Encoding.UTF8.GetBytes(letter.Body)).Detail.GetProperty("ref").GetString());
        Assert.Equal($"e7 is poison for {RoutingScenario.BigOrderAudit}", letter.Attributes[PublishingDeadLetterSink.ReasonAttribute]);
        Assert.Empty(_auditQueue.Messages());

        // Events no rule matched (e5, e6) went nowhere.
        var routed = _bus.Deliveries.Select(d => d.EventId).ToHashSet();
        Assert.Equal(5, routed.Count);
    }

    // Until every expected attempt is made: EventBridge delivers Lambda targets itself; the SQS target's mapping is polled here.
    private async Task DrainAsync()
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!_scenario.IsSettled)
        {
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"Not settled after {Patience.TotalSeconds} s. Attempts: {string.Join("; ", _scenario.Attempts)}. Deliveries: {string.Join("; ", _bus.Deliveries)}");
            }

            var poll = await _auditQueue.PollOnceAsync();
            if (poll.Invocation is null)
            {
                await Task.Delay(50);
            }
        }
    }

    // One Lambda function: composed as LambdaHost composes it (PortableComposition with the AWS pieces), the handler's
    // mapper picked from LambdaTriggerMapper.Default, and the runtime loop polling its own Runtime API.
    private async Task StartFunctionAsync(string name)
    {
        var settings = new HostSettings(variable => variable switch
        {
            "AWS_REGION" => "us-east-1",
            "AWS_ACCESS_KEY_ID" => KeyId,
            "AWS_SECRET_ACCESS_KEY" => Secret,
            EventBridgePublisherOptions.EndpointVariable => _bus.ServiceUrl.ToString(),
            _ => null,
        });
        var events = EventBridgePublisherOptions.From(settings);
        var sqs = new SqsPublisherOptions { ServiceUrl = _auditQueue.ServiceUrl, Region = "us-east-1", Credentials = new BasicAWSCredentials(KeyId, Secret) };
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        await services.AddPortableHostAsync(_scenario.App, new CloudServices
        {
            Services = s =>
            {
                s.AddSingleton(_ => new SqsPublisher(sqs));
                s.AddSingleton(sp => new EventBridgePublisher(events, sp.GetRequiredService<TimeProvider>()));
            },
            Publisher = sp => sp.GetRequiredService<SqsPublisher>(),
            DeadLetters = sp => new SqsDeadLetterSink(sp.GetRequiredService<SqsPublisher>()),
            EventPublisher = sp => sp.GetRequiredService<EventBridgePublisher>(),
        }, o =>
        {
            o.Cloud = CloudProvider.Aws;
            o.FunctionTarget = name;
            o.MessageIdempotencyDisabled = false;
            o.TransientFaultRate = 0;
        });
        var provider = services.BuildServiceProvider();
        _owned.Add(provider);

        Assert.True(LambdaBootstrap.TryResolveHandler(name, _scenario.Manifest, LambdaTriggerMapper.Default, out var function, out var mapper, out var error), error?.ErrorMessage);
        var client = new RuntimeApiClient(_functions[name].RuntimeApi);
        _owned.Add(new Disposing(client));
        var bootstrap = new LambdaBootstrap(client, mapper.Bind(function, provider, NullLogger.Instance), NullLogger.Instance);
        _loops.Add(Task.Run(async () =>
        {
            try
            {
                await bootstrap.RunAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or RuntimeApiException)
            {
                // The test is over: the Runtime API went away or the loop was stopped.
            }
        }));
        await _functions[name].WaitForRuntimeAsync().WaitAsync(Patience);
    }

    private sealed class Disposing(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
