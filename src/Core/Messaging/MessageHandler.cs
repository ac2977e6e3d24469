using Portable.Core.Functions;

namespace Portable.Core.Messaging;

/// <summary>Handles one message.</summary>
public delegate ValueTask<MessageResult> MessageHandler(IncomingMessage message, FunctionContext context, CancellationToken cancellationToken);
