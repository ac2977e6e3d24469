namespace Portable.Deploy.EventGrid;

/// <summary>
/// What of a rule's event pattern an Event Grid subscription can filter: the advanced filters, each implied by the
/// pattern (an event the pattern matches passes every one of them, so the subscription delivers every event the rule
/// routes, and perhaps more), and the parts left to Portable, which applies the full pattern before the function runs.
/// </summary>
/// <param name="Filters">The advanced filters, at most 25 with at most 25 values in all.</param>
/// <param name="Unfiltered">Why each part of the pattern that is not filtered is not, one line each; empty when the filters say all the pattern says, up to case.</param>
public sealed record EventGridFilterTranslation(IReadOnlyList<EventGridAdvancedFilter> Filters, IReadOnlyList<string> Unfiltered);
