namespace Portable.Local.Events;

/// <summary>One event the local bus took: its id and the functions whose rules matched it (empty: dropped).</summary>
public sealed record PublishedEvent(string Id, IReadOnlyList<string> Functions);
