using Portable.Core.Functions;

namespace Portable.Core.Schedules;

/// <summary>A scheduled function as a type: one method, no cloud types.</summary>
public interface IScheduledFunction
{
    /// <summary>Runs for one tick; throwing fails the run (and the platform may retry it).</summary>
    ValueTask HandleAsync(ScheduledInvocation tick, FunctionContext context, CancellationToken cancellationToken);
}
