using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;

namespace Portable.Core.Schedules;

/// <summary>Declares scheduled functions in the manifest.</summary>
public static class ScheduleManifestExtensions
{
    /// <summary>Declares a function run on <paramref name="cron"/>, handled by <typeparamref name="TFunction"/> from the host's services.</summary>
    /// <param name="builder">The manifest builder.</param>
    /// <param name="name">The function's name.</param>
    /// <param name="cron">A canonical cron expression (see <see cref="CronSchedule"/>): five fields, or six with seconds first.</param>
    /// <param name="timeZone">An IANA time zone id; UTC when null.</param>
    public static FunctionManifestBuilder AddSchedule<TFunction>(this FunctionManifestBuilder builder, string name, string cron, string? timeZone = null)
        where TFunction : IScheduledFunction =>
        builder.AddSchedule(name, cron, static services => services.GetRequiredService<TFunction>().HandleAsync, timeZone);

    /// <summary>Declares a function run on <paramref name="cron"/> with a handler delegate.</summary>
    public static FunctionManifestBuilder AddSchedule(this FunctionManifestBuilder builder, string name, string cron, ScheduleHandler handler, string? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddSchedule(name, cron, _ => handler, timeZone);
    }

    /// <summary>Declares a function run on <paramref name="cron"/> with a handler resolved once per host.</summary>
    public static FunctionManifestBuilder AddSchedule(
        this FunctionManifestBuilder builder, string name, string cron, Func<IServiceProvider, ScheduleHandler> bindHandler, string? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(bindHandler);
        return builder.Add(new FunctionDefinition(name, new ScheduleTrigger(CronSchedule.Parse(cron, timeZone), bindHandler)));
    }
}
