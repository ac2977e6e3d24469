using System.Diagnostics;
using Portable.Core.Functions;

namespace Portable.Core.Sagas;

/// <summary>
/// A saga's step function: invoked by an orchestrator with a <see cref="SagaStepRequest"/>, it runs that one handler
/// through the saga's <see cref="SagaExecutor"/> and answers a <see cref="SagaStepResult"/>.
/// </summary>
/// <param name="Definition">The saga it runs the steps of.</param>
/// <param name="BindExecutor">Resolves the saga's executor from a host's services, once per host.</param>
public sealed record SagaStepTrigger(SagaDefinition Definition, Func<IServiceProvider, SagaExecutor> BindExecutor) : FunctionTrigger
{
    /// <inheritdoc />
    public override string Kind => "other";

    /// <inheritdoc />
    public override FunctionExecutionDelegate Bind(IServiceProvider services)
    {
        var executor = BindExecutor(services);
        return context => SetResultAsync(context, executor.RunAsync((SagaStepRequest)context.Input, context.CancellationToken));
    }

    /// <inheritdoc />
    public override void Tag(Activity activity, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Input is SagaStepRequest request)
        {
            activity.SetTag("portable.saga", request.Saga);
            activity.SetTag("portable.saga.id", request.SagaId);
            activity.SetTag("portable.saga.step", request.Step);
        }
    }
}
