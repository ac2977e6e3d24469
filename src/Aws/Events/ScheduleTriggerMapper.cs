using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Aws.Runtime;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Schedules;

namespace Portable.Aws.Events;

/// <summary>
/// Schedule functions on Lambda. Two invokers call them: an EventBridge rule, with its scheduled event
/// (<c>"source":"aws.events"</c>, <c>"detail-type":"Scheduled Event"</c>, the occurrence in <c>time</c>), and
/// EventBridge Scheduler, which sends the schedule target's input as it is (a deployment that wants the occurrence
/// puts <c>&lt;aws.scheduler.scheduled-time&gt;</c> into a <c>scheduledTime</c> field). Any other JSON object runs the
/// tick at the time it arrives; a keep-warm ping (<c>{"warmer":true}</c>) is answered before any work. A failed run is
/// answered on <c>/error</c>, so an asynchronous invoke is retried by Lambda and then goes to its failure destination.
/// </summary>
public sealed partial class ScheduleTriggerMapper : LambdaTriggerMapper<ScheduleTrigger>
{
    private static readonly byte[] Done = """{"status":"succeeded"}"""u8.ToArray();
    private static readonly byte[] Warmed = """{"status":"warm"}"""u8.ToArray();

    /// <inheritdoc />
    public override string Description => "schedule (EventBridge rule or EventBridge Scheduler)";

    /// <summary>Answers each invocation of <paramref name="function"/> (schedule-triggered) through <paramref name="invoker"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="function"/> is not schedule-triggered.</exception>
    public static LambdaEventHandler Answer(ScheduleInvoker invoker, TimeProvider time, FunctionDefinition function, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(logger);
        _ = function.Trigger as ScheduleTrigger ?? throw new ArgumentException($"Function '{function.Name}' is not schedule-triggered.", nameof(function));
        return async (invocation, cancellationToken) =>
        {
            if (Warmup.IsWarmer(invocation.Payload.Span))
            {
                return LambdaAnswer.Respond(Warmed);
            }

            var now = time.GetUtcNow();
            if (!TryReadTick(invocation.Payload.Span, now, out var tick, out var error))
            {
                LogUnsupported(logger, invocation.RequestId, error);
                return LambdaAnswer.Fail(new LambdaError("Portable.UnsupportedEvent", error));
            }

            var info = new InvocationInfo(invocation.RequestId, invocation.Deadline, null, invocation.TraceId);
            var result = await invoker.InvokeAsync(function, tick, info, cancellationToken).ConfigureAwait(false);
            return result.Succeeded
                ? LambdaAnswer.Respond(Done)
                : LambdaAnswer.Fail(new LambdaError("Portable.ScheduleFailed", result.Reason ?? "The scheduled run failed."));
        };
    }

    /// <summary>
    /// The tick in <paramref name="payload"/>: the EventBridge scheduled event's <c>time</c>, or a Scheduler input's
    /// <c>scheduledTime</c>, else <paramref name="now"/>. A payload that is not a JSON object, or whose time is not an
    /// ISO 8601 instant, is refused with the reason.
    /// </summary>
    public static bool TryReadTick(ReadOnlySpan<byte> payload, DateTimeOffset now, out ScheduledInvocation tick, out string error)
    {
        tick = null!;
        string? scheduled = null;
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The event is not a JSON object.";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTime = reader.ValueTextEquals("time"u8) || reader.ValueTextEquals("scheduledTime"u8);
                reader.Read();
                if (isTime && reader.TokenType == JsonTokenType.String)
                {
                    scheduled = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            error = $"The event is not JSON: {ex.Message}";
            return false;
        }

        var at = now;
        if (scheduled is not null
            && !DateTimeOffset.TryParse(scheduled, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at))
        {
            error = $"The event's time '{scheduled}' is not an ISO 8601 instant.";
            return false;
        }

        tick = ScheduledInvocation.Fired(at, now);
        error = string.Empty;
        return true;
    }

    /// <inheritdoc />
    protected override LambdaEventHandler Bind(FunctionDefinition function, ScheduleTrigger trigger, IServiceProvider services, ILogger logger) =>
        Answer(services.GetRequiredService<ScheduleInvoker>(), services.GetRequiredService<TimeProvider>(), function, logger);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Invocation {RequestId} is not a usable schedule event: {Error}")]
    private static partial void LogUnsupported(ILogger logger, string requestId, string error);
}
