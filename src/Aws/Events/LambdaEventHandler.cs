using Portable.Aws.Runtime;

namespace Portable.Aws.Events;

/// <summary>Answers one invocation of a bound function: the event in, the response body or the error out. Never throws for a handler's fault.</summary>
/// <param name="invocation">The invocation as <c>next</c> delivered it.</param>
/// <param name="cancellationToken">Cancelled when the runtime stops.</param>
public delegate ValueTask<LambdaAnswer> LambdaEventHandler(RuntimeInvocation invocation, CancellationToken cancellationToken);
