using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Portable.Aws.EventBridge;
using Portable.Aws.State;
using Portable.Compare.Apps;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;
using Portable.Deploy.CloudFormation;
using Portable.Deploy.EventBridge;
using Portable.Emulators.Aws;
using Portable.Emulators.Processes;
using Portable.Compare.Engines;
using Portable.Compare.Hosts;

namespace Portable.Compare.Sagas;

/// <summary>
/// The choreographed order saga on AWS, deployed as <c>aws/template.json</c> (src/Deploy's
/// <see cref="CloudFormationGenerator"/>) declares it: each of the seven handlers its own Lambda function
/// <c>orders-{handler}</c> (the real bootstrap, <see cref="HostBuilds.AwsBootstrap"/>, with
/// <c>_HANDLER</c> the function's name, polling its own Runtime API emulator), targeted by its EventBridge rule on the
/// emulated bus with the template's pattern, retry policy and function timeout, and its <c>{rule}-dlq</c> SQS queue as
/// both the rule's dead-letter queue and the function's dead-letter sink (<c>AWS_ENDPOINT_URL_SQS</c>).
/// <c>inventory-api</c> and <c>orders-api</c> run the same bootstrap behind API Gateway HTTP API (v2) emulators. Every
/// function runs with <c>PORTABLE_ORDERS_SAGA=choreographed</c> and publishes with <see cref="EventBridgePublisher"/>
/// (SigV4-signed <c>PutEvents</c>, which the bus verifies) to <c>PORTABLE_EVENTBRIDGE_ENDPOINT</c>; their only shared
/// state is one DynamoDB table on dynalite, which payments are read from.
/// </summary>
public sealed class AwsChoreographedOrderHost : IChoreographedOrderHost
{
    private const string Table = "PortableChoreographedOrders";

    private readonly List<IAsyncDisposable> _owned;
    private readonly Dictionary<string, LambdaHttpHost> _http;
    private readonly Dictionary<string, (ChildProcess Process, SqsEventSourceEmulator DeadLetters)> _events;
    private readonly EventBridgePublisher _publisher;

    private AwsChoreographedOrderHost(
        List<IAsyncDisposable> owned,
        EventBridgeEmulator bus,
        IReadOnlyList<DeployedRule> rules,
        Dictionary<string, LambdaHttpHost> http,
        Dictionary<string, (ChildProcess, SqsEventSourceEmulator)> events,
        DynamoDbStateStore store)
    {
        _owned = owned;
        _http = http;
        _events = events;
        Bus = bus;
        Rules = rules;
        Store = store;
        _publisher = new EventBridgePublisher(
            new EventBridgePublisherOptions { ServiceUrl = bus.ServiceUrl, Region = LocalAws.Credentials["AWS_REGION"], Credentials = new BasicAWSCredentials(LocalAws.Credentials["AWS_ACCESS_KEY_ID"], LocalAws.Credentials["AWS_SECRET_ACCESS_KEY"]) },
            TimeProvider.System);
        Inventory = http[InventoryApi.FunctionName].CreateClient(HostDefaults.RequestTimeout);
        Orders = http[OrdersApi.FunctionName].CreateClient(HostDefaults.RequestTimeout);
    }

    /// <inheritdoc />
    public string Name => "aws";

    /// <summary>The bus.</summary>
    public EventBridgeEmulator Bus { get; }

    /// <summary>The rules as the generated template declares them.</summary>
    public IReadOnlyList<DeployedRule> Rules { get; }

    /// <summary>The table every function keeps its state in.</summary>
    public DynamoDbStateStore Store { get; }

    /// <inheritdoc />
    public HttpClient Inventory { get; }

    /// <inheritdoc />
    public HttpClient Orders { get; }

    /// <inheritdoc />
    public string Wiring => $"inventory-api and orders-api behind API Gateway (HTTP API v2), {Rules.Count} EventBridge rules from {CloudFormationGenerator.Path} each targeting its Lambda function (timeouts {string.Join(" / ", Rules.Select(r => r.FunctionTimeout.TotalSeconds).Distinct())} s, {Rules[0].Retries.MaximumRetryAttempts} retries within {Rules[0].Retries.MaximumEventAge.TotalHours:0} h, DLQ {{rule}}-dlq), one DynamoDB table on dynalite";

    /// <inheritdoc />
    public string Output => string.Join('\n', _http.Select(h => $"{h.Key}:\n{h.Value.Function.Output}").Concat(_events.Select(e => $"{e.Key}:\n{e.Value.Process.Output}")));

    /// <summary>What each rule's dead-letter queue holds (EventBridge's undeliverable events and the function's own dead letters).</summary>
    public IReadOnlyDictionary<string, int> DeadLetters => _events.ToDictionary(e => e.Key, e => e.Value.DeadLetters.DeadLetters.Count, StringComparer.Ordinal);

    /// <summary>Starts dynalite, the bus, the seven event functions with their rules, then both APIs.</summary>
    /// <param name="cancellationToken">Stops waiting for dynalite.</param>
    public static async Task<AwsChoreographedOrderHost> StartAsync(CancellationToken cancellationToken = default)
    {
        var owned = new List<IAsyncDisposable>();
        try
        {
            var dynalite = new DynaliteEngine();
            owned.Add(dynalite);
            await dynalite.StartAsync(cancellationToken);
            var storage = await DynamoDbOnDynalite.CreateTableAsync(dynalite, Table, cancellationToken);

            var bus = await EventBridgeEmulator.StartAsync(new EventBridgeEmulatorOptions
            {
                // Signatures are recomputed and must match: the functions sign with the SDK's SigV4 signer.
                Credentials = new Dictionary<string, string> { [LocalAws.Credentials["AWS_ACCESS_KEY_ID"]!] = LocalAws.Credentials["AWS_SECRET_ACCESS_KEY"]! },
            }, cancellationToken);
            owned.Add(bus);
            var common = new Dictionary<string, string?>(storage, StringComparer.Ordinal)
            {
                [EventBridgePublisherOptions.EndpointVariable] = bus.ServiceUrl.ToString(),
                [OrderChoreography.ModeVariable] = OrderChoreography.Choreographed,
            };

            var rules = DeployedRule.From(PatternsApp.Manifest, CloudFormationGenerator.Generate(PatternsApp.Manifest));
            var events = new Dictionary<string, (ChildProcess, SqsEventSourceEmulator)>(StringComparer.Ordinal);
            var starting = new List<(DeployedRule Rule, LambdaRuntimeApiEmulator RuntimeApi, ChildProcess Process)>();
            foreach (var rule in rules)
            {
                var runtimeApi = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = rule.FunctionName }, cancellationToken);
                owned.Add(runtimeApi);

                // The queue is named after the rule so its companion is {rule}-dlq; nothing polls it, it only holds dead letters.
                var queues = await SqsEventSourceEmulator.StartAsync(runtimeApi, new SqsEventSourceEmulatorOptions { QueueName = rule.Rule }, cancellationToken);
                owned.Add(queues);
                var process = LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
                {
                    BootstrapPath = HostBuilds.AwsBootstrap,
                    RuntimeApi = runtimeApi.RuntimeApi,
                    Handler = rule.HandlerName,
                    Environment = Merge(LocalAws.Credentials, common, new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_SQS"] = queues.ServiceUrl.ToString() }),
                });
                owned.Add(process);
                events[rule.FunctionName] = (process, queues);
                starting.Add((rule, runtimeApi, process));
                bus.AddRule(rule.Rule, rule.EventPattern, [EventBridgeTarget.Lambda(rule.FunctionName, runtimeApi) with
                {
                    FunctionTimeout = rule.FunctionTimeout,
                    RetryPolicy = rule.Retries,
                    DeadLetterQueue = (queues, queues.DeadLetterQueueName),
                }]);
            }

            var httpStarting = new[] { InventoryApi.FunctionName, OrdersApi.FunctionName }
                .Select(f => (Name: f, Start: LambdaHttpHost.StartAsync(f, environment: common, bootstrap: HostBuilds.AwsBootstrap, cancellationToken: cancellationToken)))
                .ToList();
            var http = new Dictionary<string, LambdaHttpHost>(StringComparer.Ordinal);
            try
            {
                foreach (var (rule, runtimeApi, process) in starting)
                {
                    await process.WaitUntilPollingAsync(runtimeApi, HostDefaults.StartupTimeout, cancellationToken);
                }

                await Task.WhenAll(httpStarting.Select(s => s.Start));
            }
            finally
            {
                foreach (var (name, start) in httpStarting)
                {
                    await Task.WhenAny(start);
                    if (start.IsCompletedSuccessfully)
                    {
                        owned.Add(start.Result);
                        http[name] = start.Result;
                    }
                }
            }

            var store = await DynamoDbStateStoreOptions.CreateAsync(new DynamoDbStateStoreOptions(Table, dynalite.ServiceUrl), TimeProvider.System, cancellationToken: cancellationToken);
            return new AwsChoreographedOrderHost(owned, bus, rules, http, events, store);
        }
        catch
        {
            await DisposeAllAsync(owned);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task PublishAsync(string json)
    {
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;
        await _publisher.PublishAsync(
            [new PortableEvent
            {
                Id = "assigned-by-the-bus", // PutEvents entries carry no id: EventBridge gives each accepted entry its own
                Source = root.GetProperty("source").GetString()!,
                DetailType = root.GetProperty("detail-type").GetString()!,
                Time = TimeProvider.System.GetUtcNow(),
                Detail = root.GetProperty("detail").Clone(),
            }],
            CancellationToken.None);
    }

    /// <summary>
    /// True when every event put on the bus that triggers one of the saga's handlers (each handler's rule matches its
    /// one trigger, as the template declares it) has a final delivery to that handler's rule: delivered, dead-lettered
    /// or dropped. The bus records an attempt when it ends, so an event in flight has none yet.
    /// </summary>
    public Task<bool> IsIdleAsync()
    {
        var settled = Bus.Deliveries
            .Where(d => d.Outcome != EventBridgeDeliveryOutcome.Failed)
            .Select(d => (d.EventId, d.Rule))
            .ToHashSet();
        var pending = Bus.Events.Any(e => OrderChoreography.Handlers
            .Where(h => OrderChoreography.Events.TriggerOf(h) == e.DetailType)
            .Any(h => !settled.Contains((e.Id, OrderChoreography.FunctionName(h)))));
        return Task.FromResult(!pending);
    }

    /// <inheritdoc />
    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(Store).GetAsync(orderId, CancellationToken.None);

    /// <inheritdoc />
    public void ThrowIfBroken()
    {
        foreach (var (name, (process, _)) in _events)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {name} bootstrap exited with code {process.ExitCode}.");
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Inventory.Dispose();
        Orders.Dispose();
        _publisher.Dispose();
        await DisposeAllAsync(_owned);
    }

    private static Dictionary<string, string?> Merge(params IReadOnlyDictionary<string, string?>[] layers)
    {
        var merged = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in layers.SelectMany(l => l))
        {
            merged[name] = value;
        }

        return merged;
    }

    private static async Task DisposeAllAsync(List<IAsyncDisposable> owned)
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            await owned[i].DisposeAsync();
        }
    }

    /// <summary>One event function of the generated template: its handler, its rule (name, pattern, retry policy) and its timeout.</summary>
    /// <param name="FunctionName">The Lambda function the rule targets.</param>
    /// <param name="HandlerName">The function's <c>Handler</c>.</param>
    /// <param name="Rule">The rule's name.</param>
    /// <param name="EventPattern">The rule's event pattern.</param>
    /// <param name="Retries">The target's retry policy.</param>
    /// <param name="FunctionTimeout">The function's timeout.</param>
    public sealed record DeployedRule(string FunctionName, string HandlerName, string Rule, EventPattern EventPattern, EventBridgeRetryPolicy Retries, TimeSpan FunctionTimeout)
    {
        /// <summary>
        /// Reads the <c>AWS::Events::Rule</c> of each of <paramref name="manifest"/>'s event functions from its CloudFormation
        /// template (not the storage functions' "Object Created" rules), with the target function's handler and timeout.
        /// </summary>
        /// <param name="manifest">The app's functions.</param>
        /// <param name="file">The generated template.</param>
        /// <exception cref="InvalidDataException">The template is not the CloudFormation template or a rule is not as generated.</exception>
        public static IReadOnlyList<DeployedRule> From(FunctionManifest manifest, Portable.Deploy.DeployFile file)
        {
            ArgumentNullException.ThrowIfNull(manifest);
            ArgumentNullException.ThrowIfNull(file);
            Expect(file.Path == CloudFormationGenerator.Path, $"{file.Path} is not {CloudFormationGenerator.Path}");
            using var template = JsonDocument.Parse(file.Content);
            var resources = template.RootElement.GetProperty("Resources");
            var rules = new List<DeployedRule>();
            foreach (var (_, trigger) in manifest.FunctionsOf<EventTrigger>())
            {
                var resource = resources.GetProperty(EventBridgeRules.RuleId(trigger.Rule));
                Expect(resource.GetProperty("Type").GetString() == "AWS::Events::Rule", $"{trigger.Rule} is not an AWS::Events::Rule");
                var properties = resource.GetProperty("Properties");
                var targets = properties.GetProperty("Targets").EnumerateArray().ToList();
                Expect(targets.Count == 1, $"{trigger.Rule} has {targets.Count} targets, not one");
                var target = targets[0];
                var functionName = target.GetProperty("Id").GetString()!;
                var function = resources.GetProperty(CloudFormationGenerator.FunctionId(functionName)).GetProperty("Properties");
                var retry = target.GetProperty("RetryPolicy");
                rules.Add(new DeployedRule(
                    functionName,
                    function.GetProperty("Handler").GetString()!,
                    properties.GetProperty("Name").GetString()!,
                    EventPattern.Parse(properties.GetProperty(nameof(EventPattern))),
                    new EventBridgeRetryPolicy(
                        retry.GetProperty("MaximumRetryAttempts").GetInt32(),
                        TimeSpan.FromSeconds(retry.GetProperty("MaximumEventAgeInSeconds").GetInt32()),
                        EventBridgeRetryPolicy.AwsDefault.FirstDelay),
                    TimeSpan.FromSeconds(function.GetProperty("Timeout").GetInt32())));
            }

            return rules;
        }

        /// <inheritdoc />
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Rule} → {FunctionName} ({FunctionTimeout.TotalSeconds} s)");

        private static void Expect(bool condition, string detail)
        {
            if (!condition)
            {
                throw new InvalidDataException($"The generated CloudFormation template: {detail}.");
            }
        }
    }
}
