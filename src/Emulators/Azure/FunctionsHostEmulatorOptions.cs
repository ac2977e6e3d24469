namespace Portable.Emulators.Azure;

/// <summary>How to run a <see cref="FunctionsHostEmulator"/>: the app folder, and what to override from its host.json.</summary>
public sealed record FunctionsHostEmulatorOptions
{
    /// <summary>
    /// The host version the emulator reports in <c>X-Azure-Functions-HostVersion</c> and <c>User-Agent</c>: a Functions
    /// 4.x host, the only major that runs custom handlers today.
    /// </summary>
    public const string DefaultHostVersion = "4.1040.300.0";

    /// <summary>The app folder: host.json, one folder per function, and usually the handler executable.</summary>
    public required string ScriptRoot { get; init; }

    /// <summary>
    /// The executable to start instead of host.json's <c>defaultExecutablePath</c>, e.g. <c>dotnet</c>; a relative
    /// path resolves from the script root when a file is there, otherwise from <c>PATH</c>.
    /// </summary>
    public string? ExecutablePath { get; init; }

    /// <summary>The arguments to pass instead of host.json's, e.g. <c>["Portable.Azure.dll"]</c> with <c>dotnet</c>.</summary>
    public IReadOnlyList<string>? Arguments { get; init; }

    /// <summary>
    /// Overrides <c>enableForwardingHttpRequest</c>: true forwards HTTP-only functions' requests as they came, false
    /// sends every invocation in payload mode, null keeps host.json's setting.
    /// </summary>
    public bool? ForwardHttpRequests { get; init; }

    /// <summary>Extra environment variables for the handler process (app settings, in Azure's terms).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Talk to a handler already listening at this address instead of starting one (no process is started or
    /// stopped). For tests of the protocol and for debugging a handler run from an IDE.
    /// </summary>
    public Uri? ExistingHandler { get; init; }

    /// <summary>
    /// How long the handler may take to answer its first request. 30 s is the host's <c>InitializationTimeout</c>
    /// default (azure-functions-host <c>DefaultHttpWorkerService</c>, protocols README §1c).
    /// </summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The host version reported to the handler.</summary>
    public string HostVersion { get; init; } = DefaultHostVersion;

    /// <summary>The clock behind <c>Metadata.sys.UtcNow</c> and the emulated queues' visibility times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The delivery numbers of the emulated Storage queues behind <c>queueTrigger</c> functions: the host's defaults
    /// (<c>maxDequeueCount</c> 5, <c>visibilityTimeout</c> 0) unless a test asks for others, e.g. a retry delay.
    /// </summary>
    public Portable.Core.Messaging.DeliveryProfile QueueProfile { get; init; } = Portable.Core.Messaging.DeliveryProfile.AzureStorageQueue;

    /// <summary>
    /// How many queue messages are processed at once (1 by default: one at a time). The host's queue listener
    /// fetches <c>batchSize</c> (16 by default) messages and runs them in parallel, fetching more when fewer than
    /// <c>newBatchThreshold</c> are left; here up to this many invocations are in flight.
    /// </summary>
    public int QueueBatchSize { get; init; } = 1;

    /// <summary>
    /// The probability (0 to 1, 0 by default: no duplicates) that a 2xx answer's delete is lost, so the same message
    /// (same id, next dequeue count) is delivered once more, as Storage queues deliver at least once. Each message
    /// is duplicated at most once; such deliveries are marked <see cref="QueueDelivery.AcknowledgementDropped"/>.
    /// </summary>
    public double QueueDuplicateDeliveryRate { get; init; }

    /// <summary>The seed of the random choice of duplicates, so a run can be repeated.</summary>
    public int QueueRandomSeed { get; init; }
}
