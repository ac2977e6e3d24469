using Portable.Core.Functions;

namespace Portable.Core.Schedules;

/// <summary>Handles one tick of a schedule; a fault fails the run.</summary>
public delegate ValueTask ScheduleHandler(ScheduledInvocation tick, FunctionContext context, CancellationToken cancellationToken);
