using System.Text.Json;
using Portable.Core.Schedules;

namespace Portable.Azure.Worker;

/// <summary>
/// Maps an Azure timer-trigger invocation to Portable's neutral tick. The host sends the WebJobs <c>TimerInfo</c> as
/// JSON (<c>{"Schedule":{…},"ScheduleStatus":{"Last","Next","LastUpdated"},"IsPastDue":bool}</c>, protocol digest
/// §3.4; <c>ScheduleStatus</c> is null when the schedule monitor is off). It names no occurrence for the run itself:
/// the host fires on the occurrence, so the fire time stands for it, and <c>IsPastDue</c> says when it is late.
/// </summary>
public static class WorkerTimerMapping
{
    /// <summary>Reads one tick from the trigger input <paramref name="timerInfo"/> fired at <paramref name="now"/>.</summary>
    public static bool TryReadTick(string? timerInfo, DateTimeOffset now, out ScheduledInvocation tick, out string error)
    {
        tick = null!;
        var pastDue = false;
        if (!string.IsNullOrWhiteSpace(timerInfo))
        {
            try
            {
                using var document = JsonDocument.Parse(timerInfo);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    error = $"The timer input is a JSON {document.RootElement.ValueKind}, not a TimerInfo object.";
                    return false;
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.NameEquals("IsPastDue") || string.Equals(property.Name, "isPastDue", StringComparison.OrdinalIgnoreCase))
                    {
                        if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            error = $"IsPastDue is {property.Value.ValueKind}, not true or false.";
                            return false;
                        }

                        pastDue = property.Value.GetBoolean();
                    }
                }
            }
            catch (JsonException ex)
            {
                error = $"The timer input is not JSON: {ex.Message}";
                return false;
            }
        }

        tick = ScheduledInvocation.Fired(now, now, platformSaysPastDue: pastDue);
        error = string.Empty;
        return true;
    }
}
