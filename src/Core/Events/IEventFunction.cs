using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Events;

/// <summary>An event function as a type: one method, no cloud types. Events arrive at least once, so a handler is idempotent by the event's id or its own key.</summary>
public interface IEventFunction
{
    /// <summary>Handles one event its rule matched and says what became of it; throwing <see cref="PermanentFailureException"/> dead-letters it, any other exception retries it.</summary>
    ValueTask<MessageResult> HandleAsync(PortableEvent @event, FunctionContext context, CancellationToken cancellationToken);
}
