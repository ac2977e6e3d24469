using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Settings;

namespace Portable.Core.Invocation;

/// <summary>
/// Opt-in fault injection for latency drills: every HTTP invocation (or every one under a path prefix) waits
/// <see cref="Delay"/> before its handler runs, then runs it normally — a slow downstream. Set the delay past a front
/// door's timeout (API Gateway's 29 s, Azure's 230 s load balancer, Cloud Run's request timeout, each scaled down for
/// a drill) to see what the front door answers while the handler is still busy. Off unless
/// <c>PORTABLE_FAULTS_HTTP_DELAY</c> is set; never enable it in production.
/// <para>
/// The wait deliberately ignores the invocation's cancellation, as a downstream that does not honour cancellation
/// would: the handler still runs after the caller was given up on, so a <c>POST /items</c> still creates the item after
/// the caller got a 504. The handler then sees the invocation's token as it stands (cancelled if the deadline passed or
/// the host saw the caller go away), and does what it does with it.
/// </para>
/// </summary>
public sealed partial class HttpLatencyFaultMiddleware : IFunctionMiddleware
{
    /// <summary>The environment variable that turns it on: a duration such as <c>350ms</c>, <c>2s</c>, <c>1.5s</c> or a bare number of milliseconds.</summary>
    public const string DelayVariable = "PORTABLE_FAULTS_HTTP_DELAY";

    /// <summary>The environment variable that restricts it to request paths under a prefix, e.g. <c>/items</c>; unset is every path.</summary>
    public const string PathVariable = "PORTABLE_FAULTS_HTTP_DELAY_PATH";

    /// <summary>
    /// The longest delay accepted: one hour, past every front door it models — Cloud Run's request timeout goes up to
    /// 60 minutes (https://cloud.google.com/run/docs/configuring/request-timeout).
    /// </summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>Delays every HTTP invocation whose path is under <paramref name="pathPrefix"/> (null, empty or <c>/</c>: every path) by <paramref name="delay"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is not above zero and at most <see cref="MaxDelay"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pathPrefix"/> does not start with <c>/</c>.</exception>
    public HttpLatencyFaultMiddleware(TimeSpan delay, string? pathPrefix = null)
    {
        Delay = delay > TimeSpan.Zero && delay <= MaxDelay
            ? delay
            : throw new ArgumentOutOfRangeException(nameof(delay), delay, $"The delay must be above zero and at most {MaxDelay}.");
        PathPrefix = pathPrefix is null or "" or "/"
            ? null
            : pathPrefix.StartsWith('/') ? pathPrefix : throw new ArgumentException($"The path prefix '{pathPrefix}' does not start with '/'.", nameof(pathPrefix));
    }

    /// <summary>How long each matching invocation waits before its handler runs.</summary>
    public TimeSpan Delay { get; }

    /// <summary>The path prefix a request must be under (the path itself or below it: <c>/items</c> takes <c>/items/7</c>, not <c>/itemsx</c>); null is every path.</summary>
    public string? PathPrefix { get; }

    /// <summary>
    /// The middleware the settings ask for, or null when it is off: <paramref name="delay"/> if given, else
    /// <c>PORTABLE_FAULTS_HTTP_DELAY</c>; <paramref name="pathPrefix"/> if given, else <c>PORTABLE_FAULTS_HTTP_DELAY_PATH</c>.
    /// Unset, blank or zero is off.
    /// </summary>
    /// <exception cref="SettingsException">A variable read is not a duration from 0 to 1 hour, or not a path starting with <c>/</c>.</exception>
    public static HttpLatencyFaultMiddleware? Create(TimeSpan? delay, string? pathPrefix, Func<string, string?> environment)
    {
        var settings = new HostSettings(environment);
        // The variable is read (and checked) even with no delay, so a bad value is never left lying unseen.
        var path = pathPrefix ?? settings.Text(PathVariable);
        if (pathPrefix is null && path is not null && !path.StartsWith('/'))
        {
            throw new SettingsException(PathVariable, path, "a request path prefix starting with /, e.g. /items");
        }

        var wait = delay ?? settings.Duration(DelayVariable, TimeSpan.Zero, MaxDelay);
        return wait is { } d && d != TimeSpan.Zero ? new HttpLatencyFaultMiddleware(d, path) : null; // a negative option throws there
    }

    /// <summary>The middleware the environment asks for, or null when <c>PORTABLE_FAULTS_HTTP_DELAY</c> is unset, blank or zero.</summary>
    /// <exception cref="SettingsException">A variable is not a duration from 0 to 1 hour, or not a path starting with <c>/</c>.</exception>
    public static HttpLatencyFaultMiddleware? FromEnvironment(Func<string, string?> environment) => Create(null, null, environment);

    /// <summary>True for an HTTP invocation whose path is under <see cref="PathPrefix"/>.</summary>
    public bool AppliesTo(FunctionContext context) => context?.Input is PortableHttpRequest request && IsUnderPrefix(request.Path);

    /// <summary>Whether <paramref name="path"/> is <see cref="PathPrefix"/> or below it.</summary>
    public bool IsUnderPrefix(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return PathPrefix is not { } prefix
            || (path.StartsWith(prefix, StringComparison.Ordinal)
                && (path.Length == prefix.Length || prefix.EndsWith('/') || path[prefix.Length] == '/'));
    }

    /// <inheritdoc />
    public async ValueTask InvokeAsync(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Input is not PortableHttpRequest request || !IsUnderPrefix(request.Path))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        LogDelayInjected(context.Logger, Delay.TotalMilliseconds, request.Method, request.Path, DelayVariable);
        // CancellationToken.None on purpose: the drill models a downstream that does not honour cancellation (see the type's remarks).
        await Task.Delay(Delay, context.TimeProvider, CancellationToken.None).ConfigureAwait(false);
        await next(context).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Fault injection ({Variable}): {Method} {Path} waits {DelayMs} ms before its handler runs, whatever its cancellation")]
    private static partial void LogDelayInjected(ILogger logger, double delayMs, string method, string path, string variable);
}
