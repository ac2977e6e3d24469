using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Messaging;
using Portable.Emulators.Azure.Durable;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>How to run an <see cref="IsolatedFunctionsHost"/>: the app's build or publish folder, and what to change from the host's defaults.</summary>
public sealed record IsolatedFunctionsHostOptions
{
    /// <summary>The Functions host version the emulator reports to the worker in <c>WorkerInitRequest.host_version</c>.</summary>
    public const string DefaultHostVersion = "4.1040.300.0";

    /// <summary>
    /// 104,857,600 bytes (100 MB): the HTTP trigger's request length limit (<c>maxRequestLength</c>,
    /// learn.microsoft.com functions-bindings-http-webhook-trigger, "Limits").
    /// </summary>
    public const long DefaultMaxRequestBodyBytes = 104_857_600;

    /// <summary>
    /// 230 s: "If a function that uses the HTTP trigger doesn't complete within 230 seconds, the Azure Load Balancer will
    /// time out and return an HTTP 502 error. The function will continue running" (functions-bindings-http-webhook-trigger, "Limits").
    /// </summary>
    public static readonly TimeSpan DefaultHttpResponseTimeout = TimeSpan.FromSeconds(230);

    /// <summary>
    /// The app folder, as the host's script root: the worker app's build or publish output, holding
    /// <c>worker.config.json</c> (which names the executable and the worker assembly), <c>host.json</c> and the app.
    /// </summary>
    public required string AppDirectory { get; init; }

    /// <summary>App settings: environment variables for the worker on top of this process's (the host's) environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// How long the worker may take from process start to its loaded functions, each step bounded by what is left.
    /// 60 s by default: a .NET process start on a loaded two-core test machine has been seen to take several seconds.
    /// </summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The <c>grace_period</c> of the <c>WorkerTerminate</c> sent at shutdown, and how long the worker then has to
    /// exit before it is killed (5 s by default; the 2.52 worker exits within a few seconds, protocol digest §2.2).
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a cancelled invocation waits for the worker's answer to its <c>InvocationCancel</c> before the call
    /// gives up with an <see cref="OperationCanceledException"/>.
    /// </summary>
    public TimeSpan CancellationGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The host version reported to the worker.</summary>
    public string HostVersion { get; init; } = DefaultHostVersion;

    /// <summary>
    /// Overrides host.json's <c>extensions.http.routePrefix</c>. Null keeps host.json's value, or the host's default
    /// <c>api</c> when host.json sets none.
    /// </summary>
    public string? RoutePrefix { get; init; }

    /// <summary>
    /// False (the default) answers a request whose path matches a route but not its methods with 404, as the Functions
    /// host does (azure-functions-host#10098, open); true answers 405 instead, as Portable's other hosts do.
    /// </summary>
    public bool MethodNotAllowedFor405 { get; init; }

    /// <summary>
    /// Request bodies larger than this are refused before the worker is invoked, with the host's empty 500 (it reads the
    /// body while binding <c>req</c> and masks Kestrel's 413: azure-functions-host#10519, #11525).
    /// </summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// How long an HTTP caller waits for the function's answer before the load balancer gives it an empty 502; the
    /// invocation keeps running in the worker (and its outputs are still bound). Wall-clock time, not
    /// <see cref="TimeProvider"/>: it is the load balancer's idle timeout. Set it small for scaled runs.
    /// </summary>
    public TimeSpan HttpResponseTimeout { get; init; } = DefaultHttpResponseTimeout;

    /// <summary>The clock of the emulated queues' visibility times, of timer schedules and of the TimerInfo it sends.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// True starts each <c>timerTrigger</c> function's NCRONTAB <c>schedule</c> on <see cref="TimeProvider"/>, as the
    /// host's timer listener does; false (the default) fires timers only through
    /// <see cref="IsolatedFunctionsHost.FireTimerAsync"/>, so a test that moves its clock gets no invocations it did not ask for.
    /// </summary>
    public bool RunTimerSchedules { get; init; }

    /// <summary>
    /// How often each <c>blobTrigger</c> function's container is scanned in Azurite (through the binding's
    /// <c>connection</c> app setting, from <see cref="Environment"/>), as the host's blob listener polls; null (the
    /// default) scans only through <see cref="IsolatedFunctionsHost.ScanBlobsAsync"/>, as timers fire only when asked.
    /// </summary>
    public TimeSpan? BlobPollingInterval { get; init; }

    /// <summary>How many failed invocations of one blob's trigger message before it goes to <c>webjobs-blobtrigger-poison</c> (the host's <c>maxDequeueCount</c>, 5).</summary>
    public int BlobMaxDequeueCount { get; init; } = 5;

    /// <summary>The host id in the blob receipts' names (<c>blobreceipts/{hostId}/…</c>); the host derives it from the app's name.</summary>
    public string HostId { get; init; } = "portable-emulator";

    /// <summary>The delivery numbers of the emulated Storage queues (the host's defaults: 5 dequeues, then <c>-poison</c>).</summary>
    public DeliveryProfile QueueProfile { get; init; } = DeliveryProfile.AzureStorageQueue;

    /// <summary>How many queue messages are processed at once (1: one at a time; the host's <c>batchSize</c> is 16).</summary>
    public int QueueBatchSize { get; init; } = 1;

    /// <summary>
    /// The at-least-once knob of the emulated queues: the probability (0 to 1) that a successful invocation's delete
    /// is lost, so the message comes back, same id, once its visibility timeout passes (0 by default). A message is
    /// duplicated at most once; such deliveries are marked <see cref="QueueDelivery.AcknowledgementDropped"/>.
    /// </summary>
    public double QueueDuplicateDeliveryRate { get; init; }

    /// <summary>The seed of <see cref="QueueDuplicateDeliveryRate"/>'s choices, so a run can be repeated.</summary>
    public int QueueRandomSeed { get; init; }

    /// <summary>Called with every log the worker sends (<c>RpcLog</c>), e.g. to write it to a test's output; on the gRPC reader's thread, so keep it short.</summary>
    public Action<WorkerLog>? OnLog { get; init; }

    /// <summary>
    /// The task hub's settings when the app has Durable functions (<c>orchestrationTrigger</c>, <c>activityTrigger</c>).
    /// Null (the default): the hub's defaults on <see cref="TimeProvider"/>, so moving that clock fires durable timers.
    /// Given, they are used as they are (their own clock included).
    /// </summary>
    public DurableTaskHubOptions? Durable { get; init; }

    /// <summary>
    /// Supplies the value of a non-trigger <em>input</em> binding, which the host's extension would produce: called
    /// with (function name, binding type) for each such binding at each invocation; a non-null string goes to the
    /// worker as <c>TypedData.string</c> under the binding's name. For Durable, the <c>durableClient</c> binding's
    /// JSON (<c>{taskHubName, rpcBaseUrl, …}</c>, protocol digest §5.5), which the host fills itself from
    /// <see cref="IsolatedFunctionsHost.Durable"/> when this gives null. Null leaves other such bindings out.
    /// </summary>
    public Func<string, string, string?>? InputBindingValue { get; init; }

    /// <summary>
    /// Registers services for extra gRPC services served beside <c>FunctionRpc</c> on the emulator's gRPC server
    /// (<c>AddGrpc</c> is already called), as host extensions add endpoints to the host's server.
    /// </summary>
    public Action<IServiceCollection>? ConfigureGrpcServices { get; init; }

    /// <summary>Maps extra gRPC services on the emulator's gRPC server, e.g. <c>endpoints.MapGrpcService&lt;TaskHubSidecar&gt;()</c>; its address is <see cref="IsolatedFunctionsHost.GrpcAddress"/>.</summary>
    public Action<IEndpointRouteBuilder>? MapGrpcEndpoints { get; init; }
}
