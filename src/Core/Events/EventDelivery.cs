using Portable.Core.Messaging;

namespace Portable.Core.Events;

/// <summary>What became of one event at one of the functions its rules routed it to.</summary>
/// <param name="Function">The function's name.</param>
/// <param name="Outcome">Handled, to be delivered again, or dead-lettered.</param>
/// <param name="Reason">Why it was retried or dead-lettered; null on success.</param>
public sealed record EventDelivery(string Function, MessageOutcome Outcome, string? Reason);
