using Portable.Core.Patterns.Ledger;
using Portable.Emulators.Aws;
using Portable.Emulators.Processes;

namespace Portable.Compare.Hosts;

/// <summary>The variables a bootstrap needs to reach local AWS endpoints (emulated SQS, dynalite) with made-up credentials; every bootstrap here gets them.</summary>
public static class LocalAws
{
    /// <summary>Static, obviously fake credentials and the region: the SDK signs with them and nothing checks.</summary>
    public static IReadOnlyDictionary<string, string?> Credentials { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIDLOCAL",
        ["AWS_SECRET_ACCESS_KEY"] = "local",
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_REGION"] = "us-east-1",
    };
}

/// <summary>
/// A Lambda function behind API Gateway, as AWS runs it: the real bootstrap (src/Aws's build output) as a child
/// process polling the Runtime API emulator, behind the API Gateway emulator in one event format. Callers use the
/// gateway's front door, as an API's users do.
/// </summary>
public sealed class LambdaHttpHost : IAsyncDisposable
{
    private LambdaHttpHost(LambdaRuntimeApiEmulator runtimeApi, ChildProcess function, ApiGatewayEmulator gateway)
    {
        RuntimeApi = runtimeApi;
        Function = function;
        Gateway = gateway;
    }

    /// <summary>The Runtime API the bootstrap polls.</summary>
    public LambdaRuntimeApiEmulator RuntimeApi { get; }

    /// <summary>The bootstrap process.</summary>
    public ChildProcess Function { get; }

    /// <summary>The gateway in front of it.</summary>
    public ApiGatewayEmulator Gateway { get; }

    /// <summary>
    /// Starts the Runtime API, the bootstrap with <c>_HANDLER</c>=<paramref name="handler"/> and
    /// <paramref name="environment"/> (over <see cref="LocalAws.Credentials"/>), waits until it polls, then opens a
    /// gateway in <paramref name="format"/> (REST APIs under <paramref name="stage"/>); fails with the bootstrap's output.
    /// </summary>
    /// <param name="bootstrap">The bootstrap: src/Aws's build output when null, or an app's own (e.g. <see cref="HostBuilds.SampleApp"/>).</param>
    /// <param name="handler">The function name, given as <c>_HANDLER</c>.</param>
    /// <param name="format">The gateway's event format.</param>
    /// <param name="stage">The stage (REST APIs serve under it).</param>
    /// <param name="environment">Variables for the process, applied last (a null value unsets one).</param>
    /// <param name="timeout">How long to wait until it is ready; <see cref="HostDefaults.StartupTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting for the start.</param>
    /// <param name="gateway">Changes the gateway's options after the format and stage are set (its integration timeout, for one).</param>
    /// <exception cref="ChildProcessException">The bootstrap exited, or did not poll within <paramref name="timeout"/>.</exception>
    public static async Task<LambdaHttpHost> StartAsync(
        string handler,
        ApiGatewayEventFormat format = ApiGatewayEventFormat.HttpApiV2,
        string? stage = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? bootstrap = null,
        Action<ApiGatewayEmulatorOptions>? gateway = null,
        CancellationToken cancellationToken = default)
    {
        var runtimeApi = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = handler }, cancellationToken);
        ChildProcess? function = null;
        try
        {
            function = LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
            {
                BootstrapPath = bootstrap ?? HostBuilds.AwsBootstrap,
                RuntimeApi = runtimeApi.RuntimeApi,
                Handler = handler,
                Environment = Variables.Merge(LocalAws.Credentials, environment),
            });
            await function.WaitUntilPollingAsync(runtimeApi, timeout ?? HostDefaults.StartupTimeout, cancellationToken);
            var options = new ApiGatewayEmulatorOptions { Format = format, Stage = stage };
            gateway?.Invoke(options);
            var door = await ApiGatewayEmulator.StartAsync(runtimeApi, options, cancellationToken);
            return new LambdaHttpHost(runtimeApi, function, door);
        }
        catch
        {
            if (function is not null)
            {
                await function.DisposeAsync();
            }

            await runtimeApi.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client on the gateway's root (a REST API's paths then start with its stage).</summary>
    public HttpClient CreateClient(TimeSpan timeout) => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Gateway.RootAddress, Timeout = timeout };

    /// <summary>Stops the gateway, kills the bootstrap and stops the Runtime API.</summary>
    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Function.DisposeAsync();
        await RuntimeApi.DisposeAsync();
    }
}

/// <summary>
/// A queue function with an SQS event source mapping, as AWS runs it: by default <c>ledger-writer</c> on
/// <c>payments</c>, the real bootstrap (<c>_HANDLER=ledger-writer</c>) polling the Runtime API emulator, fed batches
/// of the trigger's size by the SQS event source emulator, whose SQS endpoint the bootstrap gets as
/// <c>AWS_ENDPOINT_URL_SQS</c> (its dead-letter sink sends to <c>payments-dlq</c> there, signed with
/// <see cref="LocalAws.Credentials"/>). One bootstrap per execution environment: as many as batches in flight.
/// </summary>
public sealed class LambdaSqsHost : IAsyncDisposable
{
    private LambdaSqsHost(LambdaRuntimeApiEmulator runtimeApi, SqsEventSourceEmulator sqs, IReadOnlyList<ChildProcess> functions)
    {
        RuntimeApi = runtimeApi;
        Sqs = sqs;
        Functions = functions;
    }

    /// <summary>The Runtime API the bootstraps poll.</summary>
    public LambdaRuntimeApiEmulator RuntimeApi { get; }

    /// <summary>The queue and its event source mapping.</summary>
    public SqsEventSourceEmulator Sqs { get; }

    /// <summary>The bootstraps, one per execution environment.</summary>
    public IReadOnlyList<ChildProcess> Functions { get; }

    /// <summary>Every bootstrap's kept output, one after the other.</summary>
    public string Output => string.Join('\n', Functions.Select(f => f.Output));

    /// <summary>The mapping's pollers once <see cref="StartPolling"/> started them; null before.</summary>
    public DeliveryLoop? Pollers { get; private set; }

    /// <summary>
    /// Polls the queue in the background as the event source mapping does in AWS, with as many pollers as
    /// <see cref="SqsEventSourceEmulatorOptions.MaxConcurrentPolls"/> (one batch in flight per poller), each polling
    /// again at once after a batch and after <see cref="DeliveryLoop.IdleInterval"/> when nothing is visible. For
    /// functions that publish to their own queue (a saga's coordinator), where a test cannot drain by hand. The
    /// pollers stop first when the host is disposed. <paramref name="observe"/> sees every poll that invoked.
    /// </summary>
    /// <exception cref="InvalidOperationException">Polling already started.</exception>
    public DeliveryLoop StartPolling(Action<SqsPollResult>? observe = null)
    {
        if (Pollers is not null)
        {
            throw new InvalidOperationException("The mapping is already polling.");
        }

        Pollers = DeliveryLoop.Start($"the SQS event source mapping on {Sqs.QueueName}", Sqs.Options.MaxConcurrentPolls, async cancellationToken =>
        {
            var poll = await Sqs.PollOnceAsync(cancellationToken);
            if (poll.Invocation is null)
            {
                return poll.Redriven.Count > 0;
            }

            observe?.Invoke(poll);
            return true;
        });
        return Pollers;
    }

    /// <summary>
    /// Starts the Runtime API, the SQS event source (the mapping on <paramref name="queue"/>, the batch size the
    /// ledger's trigger and Portable's default share, the rest as <paramref name="configure"/> sets it) and
    /// <paramref name="environments"/> bootstraps with <c>_HANDLER</c>=<paramref name="handler"/> and
    /// <paramref name="environment"/>, and waits until each polls.
    /// </summary>
    /// <param name="bootstrap">The bootstrap: src/Aws's build output when null, or an app's own (e.g. <see cref="HostBuilds.SampleApp"/>).</param>
    /// <param name="configure">Changes the emulator's options from the defaults described above.</param>
    /// <param name="environments">How many bootstraps (execution environments) to start.</param>
    /// <param name="environment">Variables for the process, applied last (a null value unsets one).</param>
    /// <param name="timeout">How long to wait until it is ready; <see cref="HostDefaults.StartupTimeout"/> when null.</param>
    /// <param name="handler">The function name, given as <c>_HANDLER</c>.</param>
    /// <param name="queue">The queue the mapping polls.</param>
    /// <param name="cancellationToken">Stops waiting for the start.</param>
    /// <exception cref="ChildProcessException">A bootstrap exited, or did not poll within <paramref name="timeout"/>.</exception>
    public static async Task<LambdaSqsHost> StartAsync(
        Func<SqsEventSourceEmulatorOptions, SqsEventSourceEmulatorOptions>? configure = null,
        int environments = 1,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? bootstrap = null,
        string handler = LedgerWriter.FunctionName,
        string queue = LedgerWriter.Queue,
        CancellationToken cancellationToken = default)
    {
        var runtimeApi = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = handler }, cancellationToken);
        SqsEventSourceEmulator? sqs = null;
        var functions = new List<ChildProcess>();
        try
        {
            var options = new SqsEventSourceEmulatorOptions
            {
                QueueName = queue,
                BatchSize = LedgerWriter.TriggerOptions.BatchSize, // the mapping's BatchSize, as the generated template sets it
            };
            sqs = await SqsEventSourceEmulator.StartAsync(runtimeApi, configure?.Invoke(options) ?? options, cancellationToken);
            var variables = Variables.Merge(LocalAws.Credentials, environment, new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_SQS"] = sqs.ServiceUrl.ToString() });
            for (var i = 0; i < environments; i++)
            {
                functions.Add(LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
                {
                    BootstrapPath = bootstrap ?? HostBuilds.AwsBootstrap,
                    RuntimeApi = runtimeApi.RuntimeApi,
                    Handler = handler,
                    Environment = new Dictionary<string, string?>(variables, StringComparer.Ordinal),
                }));
            }

            foreach (var function in functions)
            {
                await function.WaitUntilPollingAsync(runtimeApi, timeout ?? HostDefaults.StartupTimeout, cancellationToken);
            }

            return new LambdaSqsHost(runtimeApi, sqs, functions);
        }
        catch
        {
            foreach (var function in functions)
            {
                await function.DisposeAsync();
            }

            if (sqs is not null)
            {
                await sqs.DisposeAsync();
            }

            await runtimeApi.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the pollers, kills the bootstraps and stops the event source and the Runtime API.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Pollers is not null)
        {
            await Pollers.DisposeAsync();
        }

        foreach (var function in Functions)
        {
            await function.DisposeAsync();
        }

        await Sqs.DisposeAsync();
        await RuntimeApi.DisposeAsync();
    }
}
