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
using Portable.Core.Settings;
using Portable.Emulators.Aws;

namespace Portable.Aws.Tests.Events;

/// <summary>
/// An event-routing app on AWS, wired as its deployment declares it: the EventBridge emulator (SigV4 checked), one
/// Lambda function per manifest function (a Runtime API, a bootstrap loop and a container composed as the Lambda host
/// composes one), API Gateway in front of <paramref name="httpFunction"/>, and one rule per event function with the
/// function as its Lambda target or, for <paramref name="sqsTargetFunction"/>, an SQS queue named after the rule whose
/// event source mapping invokes the function (its dead letters go to <c>{rule}-dlq</c>). Shared by Aws.Tests' routing
/// test and the routing conformance (linked there). The bootstrap loops set <c>_X_AMZN_TRACE_ID</c> in this process.
/// </summary>
internal sealed class EventBridgeRoutingApp : IAsyncDisposable
{
    /// <summary>The access key id the functions sign with.</summary>
    public const string KeyId = "AKIDLOCAL";

    private const string Secret = "local-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly FunctionApp _app;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<Task> _loops = [];
    private readonly Dictionary<string, LambdaRuntimeApiEmulator> _functions = [];

    private EventBridgeRoutingApp(FunctionApp app) => _app = app;

    /// <summary>The bus.</summary>
    public EventBridgeEmulator Bus { get; private set; } = null!;

    /// <summary>The SQS target's queue and its event source mapping.</summary>
    public SqsEventSourceEmulator SqsTarget { get; private set; } = null!;

    /// <summary>API Gateway in front of the HTTP function.</summary>
    public ApiGatewayEmulator Gateway { get; private set; } = null!;

    /// <summary>Starts everything and declares the rules.</summary>
    public static async Task<EventBridgeRoutingApp> StartAsync(FunctionApp app, string httpFunction, string sqsTargetFunction)
    {
        var routing = new EventBridgeRoutingApp(app);
        try
        {
            await routing.InitializeAsync(httpFunction, sqsTargetFunction);
            return routing;
        }
        catch
        {
            await routing.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls the SQS target's mapping until <paramref name="until"/> is true (EventBridge delivers Lambda targets itself); false after <see cref="Patience"/>.</summary>
    public async Task<bool> DrainAsync(Func<bool> until)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!until())
        {
            if (deadline.IsCancellationRequested)
            {
                return false;
            }

            var poll = await SqsTarget.PollOnceAsync();
            if (poll.Invocation is null)
            {
                await Task.Delay(50);
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (Bus is not null)
        {
            await Bus.DisposeAsync();
        }

        if (SqsTarget is not null)
        {
            await SqsTarget.DisposeAsync();
        }

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

    private async Task InitializeAsync(string httpFunction, string sqsTargetFunction)
    {
        Bus = await EventBridgeEmulator.StartAsync(new EventBridgeEmulatorOptions { Credentials = new Dictionary<string, string> { [KeyId] = Secret } });
        foreach (var function in _app.Manifest.Functions)
        {
            _functions[function.Name] = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = function.Name });
        }

        // The SQS target's queue is named after the rule, so the function's dead letters go to <rule>-dlq beside it.
        var sqsRule = _app.Manifest.FunctionsOf<EventTrigger>().Single(f => f.Function.Name == sqsTargetFunction).Trigger.Rule;
        SqsTarget = await SqsEventSourceEmulator.StartAsync(_functions[sqsTargetFunction], new SqsEventSourceEmulatorOptions { QueueName = sqsRule });
        foreach (var function in _app.Manifest.Functions)
        {
            await StartFunctionAsync(function.Name);
        }

        Gateway = await ApiGatewayEmulator.StartAsync(_functions[httpFunction]);

        // The rules as the deployment declares them: each event function's pattern, the function (or its queue) as the target.
        foreach (var (function, trigger) in _app.Manifest.FunctionsOf<EventTrigger>())
        {
            var target = function.Name == sqsTargetFunction
                ? EventBridgeTarget.Sqs(function.Name, SqsTarget)
                : EventBridgeTarget.Lambda(function.Name, _functions[function.Name]);
            Bus.AddRule(trigger.Rule, trigger.Pattern, [target]);
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
            EventBridgePublisherOptions.EndpointVariable => Bus.ServiceUrl.ToString(),
            _ => null,
        });
        var events = EventBridgePublisherOptions.From(settings);
        var sqs = new SqsPublisherOptions { ServiceUrl = SqsTarget.ServiceUrl, Region = "us-east-1", Credentials = new BasicAWSCredentials(KeyId, Secret) };
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        await services.AddPortableHostAsync(_app, new CloudServices
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

        if (!LambdaBootstrap.TryResolveHandler(name, _app.Manifest, LambdaTriggerMapper.Default, out var function, out var mapper, out var error))
        {
            throw new InvalidOperationException($"{name}: {error?.ErrorMessage}");
        }

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
