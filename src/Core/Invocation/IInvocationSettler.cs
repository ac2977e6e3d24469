using Portable.Core.Functions;

namespace Portable.Core.Invocation;

/// <summary>
/// Step 4 of an invocation for one kind of trigger: turns what the handler did (a result, a fault, a missed
/// deadline) into the neutral outcome the adapter answers with. The <see cref="InvocationEngine"/> calls exactly one
/// of the three methods per invocation.
/// </summary>
/// <typeparam name="TResult">The trigger's neutral outcome (an HTTP response, a message result).</typeparam>
public interface IInvocationSettler<TResult>
{
    /// <summary>The handler (or a middleware answering for it) finished; <see cref="FunctionContext.Result"/> holds its result.</summary>
    TResult Completed(FunctionContext context);

    /// <summary>The handler threw <paramref name="exception"/>.</summary>
    TResult Faulted(FunctionContext context, Exception exception);

    /// <summary>The invocation's deadline passed before the handler finished.</summary>
    TResult TimedOut(FunctionContext context);

    /// <summary>The outcome's name for the <c>portable.invocations</c> counter (<c>Success</c>, <c>Error</c>, <c>Retry</c>, …).</summary>
    string OutcomeOf(TResult result);
}
