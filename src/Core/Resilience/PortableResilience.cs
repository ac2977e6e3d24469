using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Portable.Core.Resilience;

/// <summary>
/// The named resilience pipelines of a process, built once from validated <see cref="ResilienceOptions"/> with the
/// injected <see cref="TimeProvider"/>. Each wraps a downstream call, outermost first, in: a total timeout, a retry
/// (exponential backoff with jitter, transient faults only, a service's Retry-After honoured), a circuit breaker
/// (counting transient faults only) and a per-attempt timeout. Permanent faults pass straight through, once.
/// </summary>
public sealed partial class PortableResilience
{
    /// <summary>The pipeline name the state-store decorator uses by default.</summary>
    public const string StatePipeline = "state";

    /// <summary>The pipeline name the publisher decorator uses by default.</summary>
    public const string PublishPipeline = "publish";

    private readonly Dictionary<string, Lazy<ResiliencePipeline>> _pipelines = new(StringComparer.Ordinal);

    /// <summary>
    /// Validates <paramref name="settings"/> (throwing <see cref="ResilienceOptionsException"/>) and prepares every
    /// pipeline. Each is built on its first use: building one has Polly check its strategies' options with
    /// DataAnnotations, which costs a Native AOT start-up milliseconds of reflection for pipelines a request may
    /// never touch. The options were validated here already, and are copied now, so a later change to them does not
    /// reach a pipeline built later.
    /// </summary>
    public PortableResilience(ResilienceOptionsBuilder settings, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        settings.Validate();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PortableResilience>();
        var hooks = new ResilienceOptionsBuilder();
        foreach (var test in settings.TransientFaultTests)
        {
            hooks.AddTransientFault(test);
        }

        foreach (var observer in settings.RetryObservers)
        {
            hooks.OnRetry(observer);
        }

        if (settings.Randomizer is { } randomizer)
        {
            hooks.UseRandomizer(randomizer);
        }
        foreach (var (name, options) in settings.Pipelines)
        {
            var copy = options.Clone();
            _pipelines.Add(name, new Lazy<ResiliencePipeline>(() => CreatePipeline(name, copy, timeProvider, logger, hooks)));
        }
    }

    /// <summary>The names of the pipelines this instance holds.</summary>
    public IReadOnlyCollection<string> PipelineNames => _pipelines.Keys;

    /// <summary>The pipeline called <paramref name="name"/>; throws naming the configured ones when there is none.</summary>
    public ResiliencePipeline GetPipeline(string name) => Pipeline(name).Value;

    /// <summary>
    /// The pipeline called <paramref name="name"/>, built when first asked for its value: what the decorators hold, so
    /// that one resolved at start-up does not build its pipeline then. A name that is not configured throws at once.
    /// </summary>
    internal Lazy<ResiliencePipeline> Pipeline(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _pipelines.TryGetValue(name, out var pipeline)
            ? pipeline
            : throw new KeyNotFoundException(
                $"No resilience pipeline named '{name}'. Configured: {(_pipelines.Count == 0 ? "none" : string.Join(", ", _pipelines.Keys.Order(StringComparer.Ordinal)))}. Add it with AddPortableResilience(b => b.AddPipeline(\"{name}\")).");
    }

    /// <summary>
    /// Builds one pipeline from <paramref name="options"/> (validated first). <paramref name="settings"/> supplies
    /// the shared hooks (extra transient faults, retry observers, the jitter source) and may be null.
    /// </summary>
    public static ResiliencePipeline CreatePipeline(string name, ResilienceOptions options, TimeProvider timeProvider, ILogger logger, ResilienceOptionsBuilder? settings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        options.ThrowIfInvalid(name);
        var o = options.Clone();
        var extraTransient = settings?.TransientFaultTests.ToArray() ?? [];
        var observers = settings?.RetryObservers.ToArray() ?? [];
        var random = settings?.Randomizer ?? Random.Shared.NextDouble;

        bool Handles(Outcome<object> outcome, ResilienceContext context) =>
            outcome.Exception is { } fault && IsTransient(fault, extraTransient, context.CancellationToken);

        var builder = new ResiliencePipelineBuilder { Name = name, TimeProvider = timeProvider };
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "total-timeout",
            Timeout = o.Timeout,
            OnTimeout = args =>
            {
                OnTimedOut(logger, name, "total", args.Timeout);
                return default;
            },
        });

        if (o.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = o.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = o.UseJitter,
                Delay = o.BaseDelay,
                MaxDelay = o.MaxDelay,
                ShouldHandle = args => new ValueTask<bool>(Handles(args.Outcome, args.Context)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryDelay(o, args.AttemptNumber, args.Outcome.Exception, random)),
                OnRetry = args =>
                {
                    var retry = new ResilienceRetry(name, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                    LogRetry(logger, retry.Fault, name, retry.Attempt, o.MaxRetryAttempts, retry.Delay, retry.Fault?.GetType().Name ?? "none");
                    ResilienceMetrics.Retries.Add(1, new KeyValuePair<string, object?>("pipeline", name));
                    foreach (var observer in observers)
                    {
                        observer(retry);
                    }

                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            Name = "circuit-breaker",
            FailureRatio = o.FailureRatio,
            MinimumThroughput = o.MinimumThroughput,
            SamplingDuration = o.SamplingDuration,
            BreakDuration = o.BreakDuration,
            ShouldHandle = args => new ValueTask<bool>(Handles(args.Outcome, args.Context)),
            OnOpened = args =>
            {
                LogCircuitOpened(logger, args.Outcome.Exception, name, args.BreakDuration, args.Outcome.Exception?.GetType().Name ?? "none");
                ResilienceMetrics.CircuitsOpened.Add(1, new KeyValuePair<string, object?>("pipeline", name));
                return default;
            },
            OnHalfOpened = _ =>
            {
                LogCircuitHalfOpened(logger, name);
                return default;
            },
            OnClosed = _ =>
            {
                LogCircuitClosed(logger, name);
                return default;
            },
        });

        if (o.AttemptTimeout is { } attemptTimeout)
        {
            builder.AddTimeout(new TimeoutStrategyOptions
            {
                Name = "attempt-timeout",
                Timeout = attemptTimeout,
                OnTimeout = args =>
                {
                    OnTimedOut(logger, name, "attempt", args.Timeout);
                    return default;
                },
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// The wait before retry number <paramref name="attempt"/> + 1: the fault's Retry-After when it carries one,
    /// otherwise <c>BaseDelay × 2^attempt</c>, spread over <c>[d, 2d)</c> with jitter; never more than MaxDelay and,
    /// without a Retry-After, never less than BaseDelay.
    /// </summary>
    public static TimeSpan RetryDelay(ResilienceOptions options, int attempt, Exception? fault, Func<double> random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        if (TransientFaults.RetryAfter(fault) is { } after)
        {
            return after <= TimeSpan.Zero ? TimeSpan.Zero : after >= options.MaxDelay ? options.MaxDelay : after;
        }

        var ticks = options.BaseDelay.Ticks * Math.Pow(2, Math.Clamp(attempt, 0, 62));
        if (options.UseJitter)
        {
            ticks += ticks * Math.Clamp(random(), 0, 1);
        }

        return ticks >= options.MaxDelay.Ticks ? options.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    private static bool IsTransient(Exception fault, Func<Exception, bool>[] extra, CancellationToken token)
    {
        if (TransientFaults.IsTransient(fault, token))
        {
            return true;
        }

        if (extra.Length == 0 || fault is OperationCanceledException || TransientFaults.IsPermanent(fault))
        {
            return false;
        }

        foreach (var test in extra)
        {
            if (test(fault))
            {
                return true;
            }
        }

        return false;
    }

    private static void OnTimedOut(ILogger logger, string name, string scope, TimeSpan timeout)
    {
        LogTimeout(logger, name, scope, timeout);
        ResilienceMetrics.Timeouts.Add(1, new KeyValuePair<string, object?>("pipeline", name), new KeyValuePair<string, object?>("scope", scope));
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Resilience pipeline {Pipeline}: retry {Attempt} of {MaxRetryAttempts} in {Delay} after {FaultType}")]
    private static partial void LogRetry(ILogger logger, Exception? exception, string pipeline, int attempt, int maxRetryAttempts, TimeSpan delay, string faultType);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "Resilience pipeline {Pipeline}: circuit opened for {BreakDuration} after {FaultType}; calls are rejected until then")]
    private static partial void LogCircuitOpened(ILogger logger, Exception? exception, string pipeline, TimeSpan breakDuration, string faultType);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Resilience pipeline {Pipeline}: circuit half-open, letting a trial call through")]
    private static partial void LogCircuitHalfOpened(ILogger logger, string pipeline);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Resilience pipeline {Pipeline}: circuit closed")]
    private static partial void LogCircuitClosed(ILogger logger, string pipeline);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Resilience pipeline {Pipeline}: {Scope} timeout of {Timeout} elapsed")]
    private static partial void LogTimeout(ILogger logger, string pipeline, string scope, TimeSpan timeout);
}
