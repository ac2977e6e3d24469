namespace Portable.Emulators.Azure;

/// <summary>One invocation of a queue-triggered function by the emulator.</summary>
/// <param name="Function">The function invoked.</param>
/// <param name="Queue">The queue the message came from.</param>
/// <param name="MessageId">The message id.</param>
/// <param name="DequeueCount">The dequeue count sent in the metadata.</param>
/// <param name="StatusCode">
/// 200 when the invocation succeeded and 500 when it failed (the status the host gives a failed invocation); 0 when
/// the worker could not be reached.
/// </param>
/// <param name="AcknowledgementDropped">True when a 2xx answer was dropped on purpose (see <see cref="EmulatedStorageQueues.DropNextAcknowledgements"/>).</param>
/// <param name="Outcome">What the emulator did with the message.</param>
/// <param name="Error">Why the invocation failed, when the emulator knows (the worker's exception type and message); null otherwise.</param>
public sealed record QueueDelivery(
    string Function, string Queue, string MessageId, int DequeueCount, int StatusCode, bool AcknowledgementDropped, QueueDeliveryOutcome Outcome, string? Error = null);
