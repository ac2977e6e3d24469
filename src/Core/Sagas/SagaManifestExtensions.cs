using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Sagas;

/// <summary>Declares a saga's functions in the manifest: the step function orchestrators call, and Portable's coordinator.</summary>
public static class SagaManifestExtensions
{
    /// <summary>
    /// Declares <paramref name="name"/>, the step function of <paramref name="definition"/> that a Step Functions
    /// Task, a Workflows call or a Durable activity runs one handler through. Its executor is the
    /// <see cref="SagaExecutor"/> registered for the saga (see <see cref="SagaServiceCollectionExtensions"/>).
    /// </summary>
    public static FunctionManifestBuilder AddSagaSteps(this FunctionManifestBuilder builder, string name, SagaDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(definition);
        return builder.Add(new FunctionDefinition(name, new SagaStepTrigger(definition, services => services.GetRequiredKeyedService<SagaExecutor>(definition.Name))));
    }

    /// <summary>
    /// Declares <paramref name="name"/>, Portable's queue-driven coordinator of <paramref name="definition"/>,
    /// consuming the step requests on <paramref name="queue"/> (see <see cref="SagaCoordinator"/>). Each request is
    /// already idempotent, so the generic message-idempotency layer is off.
    /// </summary>
    public static FunctionManifestBuilder AddSagaCoordinator(this FunctionManifestBuilder builder, string name, string queue, SagaDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return builder.AddQueue(name, queue, services => services.GetRequiredKeyedService<SagaCoordinator>(definition.Name).HandleAsync, new QueueTriggerOptions { DisableIdempotency = true });
    }
}
