using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Storage;

/// <summary>
/// A storage function as a type: one method, no cloud types. It answers as a message function does: success, retry
/// (a transient failure; any exception but <see cref="PermanentFailureException"/> counts as one) or dead-letter with a
/// reason (bad data: never retried).
/// </summary>
public interface IStorageFunction
{
    /// <summary>Handles one created object (read it through <see cref="IObjectStore"/>) and says what became of the event.</summary>
    ValueTask<MessageResult> HandleAsync(ObjectCreated created, FunctionContext context, CancellationToken cancellationToken);
}
