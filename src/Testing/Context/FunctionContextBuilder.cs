using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Core.Schedules;
using Portable.Core.State;

namespace Portable.Testing;

/// <summary>
/// Builds a <see cref="FunctionContext"/> for calling a handler directly, without a host: a controllable clock, a
/// deadline that cancels the context's token when the clock passes it, the delivery count, services and a logger
/// that records. The Azure worker's <c>FunctionContext</c> has no such fake; its users have asked for one since 2021.
/// <code>
/// var builder = new FunctionContextBuilder().WithMessage(message).WithDeadline(TimeSpan.FromSeconds(30));
/// var context = builder.Build();
/// var result = await handler.HandleAsync(message, context, context.CancellationToken);
/// </code>
/// </summary>
public sealed class FunctionContextBuilder
{
    /// <summary>The function name a context carries until <see cref="ForFunction"/> says otherwise.</summary>
    public const string DefaultFunctionName = "test-function";

    private readonly Dictionary<Type, Action<InvocationFeatures>> _features = [];
    private FunctionDefinition? _function;
    private object? _input;
    private string _invocationId = Guid.NewGuid().ToString("N");
    private CloudProvider _cloud = CloudProvider.Local;
    private DateTimeOffset? _deadline;
    private int? _deliveryCount;
    private string? _traceParent;
    private string? _platformTraceId;
    private bool _coldStart;
    private IServiceProvider? _serviceProvider;
    private Action<IServiceCollection>? _configureServices;
    private CancellationToken _cancellationToken;

    /// <summary>Starts a context on <paramref name="clock"/>, or on a new one at <see cref="TestClock.Start"/>.</summary>
    public FunctionContextBuilder(FakeTimeProvider? clock = null) => Clock = clock ?? TestClock.Create();

    /// <summary>The clock the context reads; advance it to run the deadline out.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>What the handler logged through <see cref="FunctionContext.Logger"/> or the services' logger factory.</summary>
    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>
    /// The function being invoked. Without one, the context carries <see cref="DefaultFunctionName"/> with a trigger
    /// matching the input: a queue trigger on the message's source, or an HTTP trigger.
    /// </summary>
    public FunctionContextBuilder ForFunction(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
        return this;
    }

    /// <summary>The neutral request an HTTP handler receives.</summary>
    public FunctionContextBuilder WithRequest(PortableHttpRequest request) => WithInput(request);

    /// <summary>The neutral message a queue handler receives; its delivery count becomes the context's unless <see cref="WithDeliveryCount"/> is called.</summary>
    public FunctionContextBuilder WithMessage(IncomingMessage message) => WithInput(message);

    /// <summary>The tick a scheduled handler receives; without <see cref="ForFunction"/> the function runs every minute in UTC.</summary>
    public FunctionContextBuilder WithTick(ScheduledInvocation tick) => WithInput(tick);

    /// <summary>Any neutral input (the default is an empty <c>GET /</c> request).</summary>
    public FunctionContextBuilder WithInput(object input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        return this;
    }

    /// <summary>The platform's invocation id (default: a new unique id).</summary>
    public FunctionContextBuilder WithInvocationId(string invocationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(invocationId);
        _invocationId = invocationId;
        return this;
    }

    /// <summary>Which host the invocation claims to run on (default <see cref="CloudProvider.Local"/>).</summary>
    public FunctionContextBuilder WithCloud(CloudProvider cloud)
    {
        _cloud = cloud;
        return this;
    }

    /// <summary>A deadline <paramref name="fromNow"/> after the clock's current time.</summary>
    public FunctionContextBuilder WithDeadline(TimeSpan fromNow) => WithDeadline(Clock.GetUtcNow() + fromNow);

    /// <summary>A deadline at <paramref name="deadline"/>: the context's token is cancelled once the clock reaches it.</summary>
    public FunctionContextBuilder WithDeadline(DateTimeOffset deadline)
    {
        _deadline = deadline;
        return this;
    }

    /// <summary>How many times the platform has delivered the input, counting this one.</summary>
    public FunctionContextBuilder WithDeliveryCount(int deliveryCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(deliveryCount, 1);
        _deliveryCount = deliveryCount;
        return this;
    }

    /// <summary>The caller's W3C <c>traceparent</c> and, optionally, the platform's own trace header.</summary>
    public FunctionContextBuilder WithTrace(string traceParent, string? platformTraceId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(traceParent);
        _traceParent = traceParent;
        _platformTraceId = platformTraceId;
        return this;
    }

    /// <summary>Marks the invocation as the process's first.</summary>
    public FunctionContextBuilder AsColdStart(bool coldStart = true)
    {
        _coldStart = coldStart;
        return this;
    }

    /// <summary>
    /// Adds services to the context's container, which already holds the clock as <see cref="TimeProvider"/>,
    /// logging to <see cref="Logs"/> and an in-memory <see cref="IStateStore"/>. May be called more than once.
    /// </summary>
    public FunctionContextBuilder WithServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configureServices += configure;
        return this;
    }

    /// <summary>Uses <paramref name="services"/> as the context's services, instead of a container the builder makes.</summary>
    public FunctionContextBuilder WithServices(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _serviceProvider = services;
        return this;
    }

    /// <summary>Adds a typed feature (a <see cref="RouteMatch"/>, for a handler that reads which route matched).</summary>
    public FunctionContextBuilder WithFeature<T>(T feature)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(feature);
        _features[typeof(T)] = features => features.Set(feature);
        return this;
    }

    /// <summary>A token the context's own is linked to (the caller going away).</summary>
    public FunctionContextBuilder WithCancellation(CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        return this;
    }

    /// <summary>
    /// The context. Its <see cref="FunctionContext.CancellationToken"/> is cancelled when the clock reaches the
    /// deadline or the linked token is cancelled; each call builds a new context (and, without
    /// <see cref="WithServices(IServiceProvider)"/>, a new container).
    /// </summary>
    public FunctionContext Build()
    {
        var input = _input ?? new PortableHttpRequest { Method = "GET", Path = "/" };
        var function = _function ?? new FunctionDefinition(DefaultFunctionName, DefaultTrigger(input));
        var services = _serviceProvider ?? BuildServices();
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken);
        if (_deadline is { } deadline)
        {
            var remaining = deadline - Clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                cancellation.Cancel();
            }
            else
            {
                // Fires (and cancels) when the test advances past the deadline. The token's registration holds the timer,
                // so it lives as long as the context does (one dropped on the floor was seen not to fire under load).
                var timer = Clock.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), cancellation, remaining, Timeout.InfiniteTimeSpan);
                cancellation.Token.Register(static t => ((ITimer)t!).Dispose(), timer);
            }
        }

        var context = new FunctionContext
        {
            InvocationId = _invocationId,
            Function = function,
            Cloud = _cloud,
            Deadline = _deadline,
            TraceParent = _traceParent,
            PlatformTraceId = _platformTraceId,
            IsColdStart = _coldStart,
            DeliveryCount = _deliveryCount ?? (input is IncomingMessage message ? message.DeliveryCount : 1),
            Logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Portable.Functions." + function.Name),
            Services = services,
            TimeProvider = Clock,
            CancellationToken = cancellation.Token,
            Input = input,
        };
        foreach (var setFeature in _features.Values)
        {
            setFeature(context.Features);
        }

        return context;
    }

    private ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddLogging(logging => logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<IStateStore>(new InMemoryStateStore(Clock));
        _configureServices?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static FunctionTrigger DefaultTrigger(object input) => input switch
    {
        IncomingMessage message => new QueueTrigger(message.Source, new QueueTriggerOptions(), static _ => NotBound),
        ScheduledInvocation => new ScheduleTrigger(CronSchedule.Parse("* * * * *"), static _ => NotBoundTick),
        _ => new HttpTrigger([]),
    };

    private static ValueTask NotBoundTick(ScheduledInvocation tick, FunctionContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A context built by FunctionContextBuilder is for calling a handler directly; its trigger binds no handler.");

    private static ValueTask<MessageResult> NotBound(IncomingMessage message, FunctionContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A context built by FunctionContextBuilder is for calling a handler directly; its trigger binds no handler.");
}
