using Portable.Core.Patterns;
using Portable.Core.Patterns.Jobs;
using Portable.Core.Patterns.Orders;

namespace Portable.Deploy;

/// <summary>
/// How this repository's app (<see cref="PatternsApp"/>) is deployed: which function sends to which queue (so each
/// role may send only there), and the saga step function's timeout, which must outlast its longest step.
/// </summary>
public static class PatternsDeployment
{
    /// <summary>The options <c>portable deploy</c> generates the committed files with.</summary>
    public static DeploymentOptions Options { get; } = new()
    {
        Functions = new Dictionary<string, FunctionDeployment>(StringComparer.Ordinal)
        {
            // CsvJobs publishes one message per chunk.
            [JobsApi.FunctionName] = new() { SendsTo = [JobChunkWorker.Queue] },
            // The saga coordinator is the ISagaStarter: orders-api and the reconciler start sagas on its queue, and it sends itself each next step.
            [OrdersApi.FunctionName] = new() { SendsTo = [OrderSaga.Queue] },
            [OrderReconciler.FunctionName] = new() { SendsTo = [OrderSaga.Queue] },
            [OrderSaga.CoordinatorFunctionName] = new() { SendsTo = [OrderSaga.Queue] },
        },
    };
}
