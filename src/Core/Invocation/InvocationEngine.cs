using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;

namespace Portable.Core.Invocation;

/// <summary>
/// Steps 2 to 4 of every invocation, whatever its trigger: builds the <see cref="FunctionContext"/> (deadline and
/// cancellation, trace context, delivery count, cold-start flag, typed features), opens the logging scope and the
/// span, runs the function's middleware pipeline and handler, lets the trigger's settler turn the result, fault or
/// missed deadline into its neutral outcome, and counts the invocation. The trigger front doors
/// (<see cref="HttpInvoker"/>, <see cref="MessageInvoker"/>, <see cref="ScheduleInvoker"/>) add only what is theirs:
/// routing, batches, dead letters, past-due ticks.
/// </summary>
public sealed partial class InvocationEngine
{
    /// <summary>The name of <see cref="ActivitySource"/>, for an <see cref="ActivityListener"/> to match without touching the source itself.</summary>
    public const string ActivitySourceName = "Portable.Functions";

    /// <summary>The activity source every invocation is traced under.</summary>
    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private readonly Dictionary<FunctionDefinition, Binding> _bindings;
    private readonly FunctionPipelineBuilder _pipeline;
    private readonly IServiceProvider _services;
    private readonly string _idPrefix = Guid.NewGuid().ToString("N");
    private int _invocations;
    private long _sequence;

    /// <summary>Creates the engine a host keeps for its whole life.</summary>
    public InvocationEngine(
        FunctionManifest manifest,
        FunctionPipelineBuilder pipeline,
        PortableHostOptions options,
        IServiceProvider services,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Manifest = options.FunctionTarget is { Length: > 0 } target ? manifest.Only(target) : manifest;
        Options = options;
        TimeProvider = timeProvider;
        Log = loggerFactory.CreateLogger("Portable.Invocation");
        _pipeline = pipeline;
        _services = services;
        _bindings = new Dictionary<FunctionDefinition, Binding>(Manifest.Functions.Count, ReferenceEqualityComparer.Instance);
        foreach (var function in Manifest.Functions)
        {
            _bindings[function] = new Binding(function, loggerFactory.CreateLogger("Portable.Functions." + function.Name));
        }
    }

    /// <summary>The functions this host serves (all, or the one <c>FunctionTarget</c> names).</summary>
    public FunctionManifest Manifest { get; }

    /// <summary>What the host said about itself.</summary>
    public PortableHostOptions Options { get; }

    /// <summary>The host's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The log the engine and the front doors write invocation faults to.</summary>
    internal ILogger Log { get; }

    /// <summary>
    /// Invokes <paramref name="function"/> with its neutral <paramref name="input"/>. Never throws for anything the
    /// handler did; throws <see cref="OperationCanceledException"/> only when the host itself is stopping.
    /// </summary>
    /// <param name="function">A function of <see cref="Manifest"/>.</param>
    /// <param name="input">The neutral input its trigger expects.</param>
    /// <param name="info">What the platform said: invocation id (required here), deadline, trace context.</param>
    /// <param name="deliveryCount">How often the platform has delivered this input (1 for a request).</param>
    /// <param name="feature">One typed feature to carry (the matched route), or null.</param>
    /// <param name="settler">Turns the result, a fault or a missed deadline into the outcome.</param>
    /// <param name="hostToken">Cancelled when the host stops or the caller goes away.</param>
    public async ValueTask<TResult> InvokeAsync<TResult, TSettler>(
        FunctionDefinition function,
        object input,
        InvocationInfo info,
        int deliveryCount,
        object? feature,
        TSettler settler,
        CancellationToken hostToken)
        where TSettler : IInvocationSettler<TResult>
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(input);
        var binding = _bindings.GetValueOrDefault(function) ?? BindingByName(function.Name);
        var pipeline = binding.Pipeline ??= _pipeline.Build(function.Trigger.Bind(_services));
        var coldStart = _invocations == 0 && Interlocked.Increment(ref _invocations) == 1;
        if (coldStart)
        {
            PortableMetrics.ColdStarts.Add(1, binding.Name, binding.Trigger);
        }

        // A deadline needs its own cancellation source (and a timer on the host's clock); without one the host's token
        // is the invocation's, and nothing is allocated for it.
        using var deadline = info.Deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(hostToken);
        using var deadlineTimer = deadline is null ? null : Deadlines.Start(TimeProvider, info.Deadline, deadline);
        var context = new FunctionContext
        {
            InvocationId = info.InvocationId ?? NextInvocationId(),
            Function = function,
            Cloud = Options.Cloud,
            Deadline = info.Deadline,
            TraceParent = info.TraceParent,
            PlatformTraceId = info.PlatformTraceId,
            IsColdStart = coldStart,
            DeliveryCount = deliveryCount,
            Logger = binding.Logger,
            Services = _services,
            TimeProvider = TimeProvider,
            CancellationToken = deadline?.Token ?? hostToken,
            Input = input,
        };
        if (feature is not null)
        {
            context.Features.Set(feature.GetType(), feature);
        }

        using var activity = StartActivity(function, context);
        using var scope = binding.Logger.BeginScope(new InvocationScope(function.Name, context.InvocationId));
        TResult result;
        try
        {
            await pipeline(context).ConfigureAwait(false);
            result = settler.Completed(context);
        }
        catch (OperationCanceledException) when (deadline is { IsCancellationRequested: true } && !hostToken.IsCancellationRequested)
        {
            LogDeadline(Log, function.Name, context.InvocationId);
            result = settler.TimedOut(context);
        }
        catch (Exception ex) when (!hostToken.IsCancellationRequested)
        {
            result = settler.Faulted(context, ex);
        }

        var outcome = settler.OutcomeOf(result);
        activity?.SetTag("portable.outcome", outcome);
        PortableMetrics.Invocations.Add(1, binding.Name, binding.Trigger, new("outcome", outcome));
        return result;
    }

    /// <summary>
    /// An id for an invocation the platform gave none (a Cloud Run request): this engine's random prefix and a
    /// sequence number, unique across processes like a GUID but without drawing random bytes per request.
    /// </summary>
    private string NextInvocationId() =>
        string.Create(CultureInfo.InvariantCulture, $"{_idPrefix}-{Interlocked.Increment(ref _sequence):x}");

    private Binding BindingByName(string name) =>
        Manifest.Find(name) is { } declared && _bindings.TryGetValue(declared, out var binding)
            ? binding
            : throw new ArgumentException($"Function '{name}' is not served by this host. Served: {string.Join(", ", Manifest.Functions.Select(f => f.Name))}.", nameof(name));

    private static Activity? StartActivity(FunctionDefinition function, FunctionContext context)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(context.TraceParent, null, out var parent);
        var activity = ActivitySource.StartActivity(function.Name, function.Trigger.ActivityKind, parent);
        if (activity is not null)
        {
            activity.SetTag("faas.name", function.Name);
            activity.SetTag("faas.trigger", function.Trigger.Kind);
            activity.SetTag("faas.invocation_id", context.InvocationId);
            activity.SetTag("faas.coldstart", context.IsColdStart);
            function.Trigger.Tag(activity, context);
        }

        return activity;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Function {FunctionName} ran past its deadline (invocation {InvocationId})")]
    private static partial void LogDeadline(ILogger logger, string functionName, string invocationId);

    /// <summary>What the engine keeps per function: made once, the pipeline bound on first use.</summary>
    private sealed class Binding(FunctionDefinition function, ILogger logger)
    {
        public ILogger Logger { get; } = logger;

        public KeyValuePair<string, object?> Name { get; } = new("faas.name", function.Name);

        public KeyValuePair<string, object?> Trigger { get; } = new("faas.trigger", function.Trigger.Kind);

        /// <summary>Set on first use; a race binds twice to the same singletons, which is harmless.</summary>
        public FunctionExecutionDelegate? Pipeline { get; set; }
    }
}
