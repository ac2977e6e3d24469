namespace Portable.Core.Messaging;

/// <summary>The settlement of one message in a batch: its id, outcome and reason.</summary>
public sealed record MessageSettlement(string MessageId, MessageOutcome Outcome, string? Reason);
