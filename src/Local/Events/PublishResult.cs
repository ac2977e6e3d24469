namespace Portable.Local.Events;

/// <summary>The answer to <c>POST /_local/events</c>: each event, in the order sent.</summary>
public sealed record PublishResult(IReadOnlyList<PublishedEvent> Events);
