using Portable.Core.Functions;

namespace Portable.Core.Messaging;

/// <summary>A message function as a type: one method, no cloud types.</summary>
public interface IMessageFunction
{
    /// <summary>Handles one message and says what became of it.</summary>
    ValueTask<MessageResult> HandleAsync(IncomingMessage message, FunctionContext context, CancellationToken cancellationToken);
}
