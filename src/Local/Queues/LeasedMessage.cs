using Portable.Core.Messaging;

namespace Portable.Local.Queues;

/// <summary>A message under a lease: settle it with the same lease.</summary>
/// <param name="Sequence">The row's sequence number.</param>
/// <param name="Lease">The lease token.</param>
/// <param name="Message">The neutral message.</param>
public sealed record LeasedMessage(long Sequence, string Lease, IncomingMessage Message);
