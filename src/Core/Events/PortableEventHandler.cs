using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Events;

/// <summary>Handles one routed event and says what became of it: success, retry (transient) or dead-letter (permanent).</summary>
public delegate ValueTask<MessageResult> PortableEventHandler(PortableEvent @event, FunctionContext context, CancellationToken cancellationToken);
