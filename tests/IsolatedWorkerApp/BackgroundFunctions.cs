using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Portable.IsolatedWorkerApp;

/// <summary>A queue-triggered function and a timer-triggered one.</summary>
public sealed class BackgroundFunctions(ILogger<BackgroundFunctions> logger)
{
    /// <summary>
    /// Processes a <c>work-items</c> message: one starting with <c>fail</c> throws (a failed delivery, retried by the
    /// host), one starting with <c>fail-once</c> throws on its first dequeue only; any other is answered on
    /// <c>work-done</c> with its text and dequeue count.
    /// </summary>
    [Function("Work")]
    [QueueOutput("work-done")]
    public string Work([QueueTrigger("work-items")] string message, long dequeueCount, string id)
    {
        logger.LogInformation("work {Message} dq={DequeueCount} id={Id}", message, dequeueCount, id);
        if (message.StartsWith("fail-once", StringComparison.Ordinal) ? dequeueCount == 1 : message.StartsWith("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"cannot process '{message}'");
        }

        return $"done:{message}:dq={dequeueCount}";
    }

    /// <summary>Takes the whole <see cref="QueueMessage"/> (deferred binding: the host sends it as model binding data) and logs it.</summary>
    [Function("Inspect")]
    public void Inspect([QueueTrigger("inspect-items")] QueueMessage message)
    {
        logger.LogInformation("inspect {Id} dq={DequeueCount} text={Text}", message.MessageId, message.DequeueCount, message.MessageText);
    }

    /// <summary>Runs every five minutes and logs what the host said about the schedule.</summary>
    [Function("Tick")]
    public void Tick([TimerTrigger("0 */5 * * * *")] TimerInfo timer)
    {
        logger.LogInformation("tick pastDue={PastDue} next={Next:O}", timer.IsPastDue, timer.ScheduleStatus?.Next);
    }
}
