using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Storage;

/// <summary>Handles one object-created event and says what became of it (a <see cref="MessageResult"/>, as a queue message's handler does).</summary>
public delegate ValueTask<MessageResult> StorageHandler(ObjectCreated created, FunctionContext context, CancellationToken cancellationToken);
