using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Schedules;

namespace Portable.Core.Invocation;

/// <summary>
/// The schedule front door of the <see cref="InvocationEngine"/>: runs one tick of a scheduled function and settles
/// it as a success or a failure with a reason (a fault, a missed deadline), logging each run. Adapters turn a failure
/// into what makes their platform retry: an error from the Lambda, a 500 to Cloud Scheduler, a failed timer run.
/// </summary>
public sealed partial class ScheduleInvoker
{
    private readonly InvocationEngine _engine;

    /// <summary>Creates the front door a host keeps for its whole life.</summary>
    public ScheduleInvoker(InvocationEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
    }

    /// <summary>The functions this host serves.</summary>
    public FunctionManifest Manifest => _engine.Manifest;

    /// <summary>The scheduled function named <paramref name="name"/>; throws a clear error when there is none.</summary>
    public FunctionDefinition GetFunction(string name) =>
        Manifest.Find<ScheduleTrigger>(name)?.Function
        ?? throw new ArgumentException($"'{name}' is not a scheduled function in the manifest.", nameof(name));

    /// <summary>Runs one tick of <paramref name="function"/>. Never throws for a handler's fault.</summary>
    public ValueTask<ScheduleResult> InvokeAsync(FunctionDefinition function, ScheduledInvocation tick, InvocationInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(tick);
        if (function.Trigger is not ScheduleTrigger)
        {
            throw new ArgumentException($"Function '{function.Name}' is not schedule-triggered.", nameof(function));
        }

        if (tick.IsPastDue)
        {
            LogPastDue(_engine.Log, function.Name, tick.ScheduledTime, tick.MissedTicks);
        }

        return _engine.InvokeAsync<ScheduleResult, Settler>(
            function, tick, info, deliveryCount: 1, feature: null, new Settler(_engine.Log), cancellationToken);
    }

    private readonly struct Settler(ILogger log) : IInvocationSettler<ScheduleResult>
    {
        public ScheduleResult Completed(FunctionContext context)
        {
            var result = context.Result is ScheduleResult done
                ? done
                : throw new InvalidOperationException($"Function '{context.FunctionName}' produced no schedule result.");
            LogCompleted(log, context.FunctionName, ((ScheduledInvocation)context.Input).ScheduledTime, context.InvocationId);
            return result;
        }

        public ScheduleResult Faulted(FunctionContext context, Exception exception)
        {
            LogFailed(log, exception, context.FunctionName, ((ScheduledInvocation)context.Input).ScheduledTime, context.InvocationId);
            return ScheduleResult.Failed($"{exception.GetType().Name}: {exception.Message}");
        }

        public ScheduleResult TimedOut(FunctionContext context) => ScheduleResult.Failed("The function did not finish before its deadline.");

        public string OutcomeOf(ScheduleResult result) => result.Succeeded ? "Success" : "Error";
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Scheduled run of {FunctionName} for {ScheduledTime} succeeded (invocation {InvocationId})")]
    private static partial void LogCompleted(ILogger logger, string functionName, DateTimeOffset scheduledTime, string invocationId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Scheduled run of {FunctionName} for {ScheduledTime} failed (invocation {InvocationId})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string functionName, DateTimeOffset scheduledTime, string invocationId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Scheduled run of {FunctionName} for {ScheduledTime} is past due; it stands for {MissedTicks} missed earlier ticks")]
    private static partial void LogPastDue(ILogger logger, string functionName, DateTimeOffset scheduledTime, int missedTicks);
}
