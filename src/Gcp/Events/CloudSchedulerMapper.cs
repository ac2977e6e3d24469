using System.Globalization;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Schedules;
using Portable.Gcp.Triggers;
using Portable.Hosting;

namespace Portable.Gcp.Events;

/// <summary>
/// Schedule functions on Cloud Run: a Cloud Scheduler job with an HTTP target POSTs to <c>/{function}</c> (or to
/// every path when <c>FUNCTION_TARGET</c> names it). Cloud Scheduler sets <c>X-CloudScheduler: true</c>,
/// <c>X-CloudScheduler-JobName</c> and, for unix-cron jobs, <c>X-CloudScheduler-ScheduleTime</c> (the occurrence, RFC
/// 3339); without that header the tick runs at the time it arrives. A keep-warm ping (a <c>{"warmer":true}</c> body)
/// is answered 200 before any work. 200 on success; 500 on a failed run, which Cloud Scheduler retries per the job's
/// retry configuration; 405 for anything but POST; 400 for a schedule time that is not RFC 3339.
/// </summary>
internal sealed partial class CloudSchedulerMapper : CloudRunTriggerMapper<ScheduleTrigger>
{
    /// <summary>The header Cloud Scheduler puts the occurrence in.</summary>
    public const string ScheduleTimeHeader = "X-CloudScheduler-ScheduleTime";

    private const int MaxBodyBytes = 1024 * 1024;

    private static readonly byte[] Warm = """{"status":"warm"}"""u8.ToArray();
    private static readonly byte[] Succeeded = """{"status":"succeeded"}"""u8.ToArray();

    /// <inheritdoc />
    public override string Description => "schedule (Cloud Scheduler HTTP target, POST /{function})";

    /// <summary>Runs one tick of <paramref name="function"/> and answers with the status Cloud Scheduler reads.</summary>
    public static async Task HandleAsync(HttpContext context, InvocationInfo info, ScheduleInvoker invoker, TimeProvider time, FunctionDefinition function, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(function);
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await WriteAsync(context, PortableHttpResponse.Error(405, $"Schedule function '{function.Name}' takes Cloud Scheduler calls: POST only.", headers: HeaderMap.Empty.With("Allow", "POST"))).ConfigureAwait(false);
            return;
        }

        var body = await AspNetCoreBridge.ReadBodyAsync(request.Body, request.ContentLength, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (Warmup.IsWarmer(body.Span))
        {
            await WriteAsync(context, Status(Warm)).ConfigureAwait(false);
            return;
        }

        var now = time.GetUtcNow();
        var scheduled = now;
        if (request.Headers.TryGetValue(ScheduleTimeHeader, out var header) && header.ToString() is { Length: > 0 } text
            && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out scheduled))
        {
            LogMalformed(log, function.Name, text);
            await WriteAsync(context, PortableHttpResponse.Error(400, $"{ScheduleTimeHeader} '{text}' is not an RFC 3339 time.")).ConfigureAwait(false);
            return;
        }

        var tick = ScheduledInvocation.Fired(scheduled, now);
        var result = await invoker.InvokeAsync(function, tick, info, context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, result.Succeeded
            ? Status(Succeeded)
            : PortableHttpResponse.Error(500, result.Reason ?? "The scheduled run failed; Cloud Scheduler retries it per the job's retry configuration.")).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, ScheduleTrigger Trigger)> functions, IServiceProvider services, ILogger log)
    {
        var invoker = services.GetRequiredService<ScheduleInvoker>();
        var time = services.GetRequiredService<TimeProvider>();
        return [.. functions.Select(f => CloudRunRoute.AtFunctionPath(f.Function, (context, info) => HandleAsync(context, info, invoker, time, f.Function, log)))];
    }

    private static PortableHttpResponse Status(byte[] body) => new()
    {
        StatusCode = 200,
        Headers = HeaderMap.Empty.With("Content-Type", PortableHttpResponse.JsonContentType),
        Body = body,
    };

    private static ValueTask WriteAsync(HttpContext context, PortableHttpResponse response) => AspNetCoreBridge.WriteResponseAsync(context, response);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Refused a Cloud Scheduler call to {FunctionName} with 400: schedule time '{ScheduleTime}'")]
    private static partial void LogMalformed(ILogger logger, string functionName, string scheduleTime);
}
