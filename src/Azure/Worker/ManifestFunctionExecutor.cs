using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Invocation;

namespace Portable.Azure.Worker;

/// <summary>
/// The worker's function executor, decorated: an invocation of a manifest function goes to Portable's invokers
/// (<see cref="ManifestFunctionDispatcher"/>); any other — an attributed <c>[Function]</c> — to the executor
/// registered before this one, which is the SDK's source-generated <c>DirectFunctionExecutor</c> when the entry
/// assembly is built with the Worker SDK, and the worker's reflection-based default otherwise.
/// </summary>
/// <param name="inner">The executor this one decorates.</param>
/// <param name="dispatcher">Runs the manifest functions.</param>
public sealed class ManifestFunctionExecutor(IFunctionExecutor inner, ManifestFunctionDispatcher dispatcher) : IFunctionExecutor
{
    /// <inheritdoc />
    public ValueTask ExecuteAsync(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return dispatcher.Handles(context.FunctionDefinition)
            ? new ValueTask(dispatcher.InvokeAsync(context))
            : inner.ExecuteAsync(context);
    }
}
