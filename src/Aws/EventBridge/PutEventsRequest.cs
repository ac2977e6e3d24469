namespace Portable.Aws.EventBridge;

/// <summary>The body of EventBridge's <c>PutEvents</c> (AWS JSON 1.1): up to <see cref="EventBridgePublisher.MaxEntriesPerRequest"/> entries.</summary>
/// <param name="Entries">The events, in order.</param>
public sealed record PutEventsRequest(IReadOnlyList<PutEventsRequestEntry> Entries);
