using Portable.Core.Events.Routing;

namespace Portable.Emulators.Aws;

/// <summary>A rule of the <see cref="EventBridgeEmulator"/>: an event pattern (Core's matcher) on a bus, and its targets.</summary>
/// <param name="Name">The rule's name.</param>
/// <param name="Pattern">Which events it matches.</param>
/// <param name="Targets">Where it sends them (EventBridge allows up to 5 per rule).</param>
/// <param name="BusName">The bus it is on.</param>
public sealed record EventBridgeRule(string Name, EventPattern Pattern, IReadOnlyList<EventBridgeTarget> Targets, string BusName = "default");
