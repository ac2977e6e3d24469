using System.Diagnostics;
using System.Globalization;
using Portable.Core.Functions;

namespace Portable.Core.Schedules;

/// <summary>A function triggered by a schedule: a cron expression in a time zone.</summary>
/// <param name="Schedule">When it runs.</param>
/// <param name="BindHandler">Resolves the handler for one tick from a host's services, once per host.</param>
public sealed record ScheduleTrigger(CronSchedule Schedule, Func<IServiceProvider, ScheduleHandler> BindHandler) : FunctionTrigger
{
    /// <inheritdoc />
    public override string Kind => "timer";

    /// <inheritdoc />
    public override FunctionExecutionDelegate Bind(IServiceProvider services)
    {
        var handler = BindHandler(services);
        return context => Run(context, handler((ScheduledInvocation)context.Input, context, context.CancellationToken));
    }

    /// <inheritdoc />
    public override void Tag(Activity activity, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(context);
        activity.SetTag("faas.cron", Schedule.Expression);
        if (context.Input is ScheduledInvocation tick)
        {
            activity.SetTag("faas.time", tick.FiredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        }
    }

    private static async ValueTask Run(FunctionContext context, ValueTask pending)
    {
        await pending.ConfigureAwait(false);
        context.Result = ScheduleResult.Success;
    }
}
