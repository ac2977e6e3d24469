namespace Portable.Emulators.Aws;

/// <summary>One delivery attempt the <see cref="EventBridgeEmulator"/> made.</summary>
/// <param name="EventId">The event's id, as <c>PutEvents</c> answered it.</param>
/// <param name="Rule">The rule that matched it.</param>
/// <param name="TargetId">The rule's target.</param>
/// <param name="Attempt">1 for the first delivery, 2 for the first retry, …</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="Error">Why it failed (the function's error type and message, the queue's fault); null when delivered.</param>
public sealed record EventBridgeDelivery(string EventId, string Rule, string TargetId, int Attempt, EventBridgeDeliveryOutcome Outcome, string? Error);
