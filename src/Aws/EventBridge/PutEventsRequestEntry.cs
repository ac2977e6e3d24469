namespace Portable.Aws.EventBridge;

/// <summary>
/// One event of a <c>PutEvents</c> request, as the API reference names its members. EventBridge assigns the event's
/// id itself, so a <see cref="Core.Events.PortableEvent.Id"/> does not travel.
/// </summary>
/// <param name="Source">The event's <c>source</c>.</param>
/// <param name="DetailType">The event's <c>detail-type</c>.</param>
/// <param name="Detail">The event's <c>detail</c> as a JSON object in a string, as the API takes it.</param>
/// <param name="EventBusName">The bus's name or ARN.</param>
/// <param name="Time">When it happened, in seconds since the Unix epoch (AWS JSON's timestamp form).</param>
/// <param name="Resources">The ARNs it concerns; null when none.</param>
public sealed record PutEventsRequestEntry(string Source, string DetailType, string Detail, string EventBusName, double Time, IReadOnlyList<string>? Resources);
