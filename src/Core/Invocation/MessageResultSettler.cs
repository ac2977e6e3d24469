using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Invocation;

/// <summary>
/// Settles the invocations that end as a <see cref="MessageResult"/> — a queue message, a routed event, an upload — the
/// same way: the handler's result as it is; a <see cref="PermanentFailureException"/> (or whatever else the trigger
/// counts as permanent) a dead letter; any other fault, and a missed deadline, a retry, since the platform delivers
/// the input again.
/// </summary>
/// <param name="inputKind">What the input is called in errors: <c>message</c>, <c>event</c>, <c>storage</c>.</param>
/// <param name="isPermanent">Which faults no retry can mend, beside <see cref="PermanentFailureException"/>; null for none.</param>
/// <param name="logTransient">Logs a fault that will be retried, in the trigger's own terms.</param>
internal readonly struct MessageResultSettler(string inputKind, Func<Exception, bool>? isPermanent, Action<FunctionContext, Exception> logTransient)
    : IInvocationSettler<MessageResult>
{
    public MessageResult Completed(FunctionContext context) =>
        context.Result is MessageResult result
            ? result
            : throw new InvalidOperationException($"Function '{context.FunctionName}' produced no {inputKind} result.");

    public MessageResult Faulted(FunctionContext context, Exception exception)
    {
        if (exception is PermanentFailureException || isPermanent?.Invoke(exception) == true)
        {
            return MessageResult.DeadLetter(exception.Message);
        }

        logTransient(context, exception);
        return MessageResult.Retry($"{exception.GetType().Name}: {exception.Message}");
    }

    public MessageResult TimedOut(FunctionContext context) => MessageResult.Retry("The function did not finish before its deadline.");

    public string OutcomeOf(MessageResult result) => result.Outcome switch
    {
        MessageOutcome.Success => nameof(MessageOutcome.Success),
        MessageOutcome.Retry => nameof(MessageOutcome.Retry),
        _ => nameof(MessageOutcome.DeadLetter),
    };
}
