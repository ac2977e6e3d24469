namespace Portable.Emulators.Azure;

/// <summary>One message in an emulated Storage queue, as the host's metadata describes it.</summary>
/// <param name="Id">The message id (<c>Metadata.Id</c>).</param>
/// <param name="Text">The message text the host hands the handler (already base64-decoded, as the host does by default).</param>
/// <param name="DequeueCount">How many times it has been dequeued.</param>
/// <param name="InsertionTime">When it was enqueued.</param>
/// <param name="ExpirationTime">When it expires (7 days after insertion, the service default).</param>
/// <param name="NextVisibleTime">When it can be dequeued again.</param>
/// <param name="PopReceipt">The receipt of its latest dequeue.</param>
public sealed record EmulatedQueueMessage(
    string Id, string Text, int DequeueCount, DateTimeOffset InsertionTime, DateTimeOffset ExpirationTime, DateTimeOffset NextVisibleTime, string PopReceipt);
