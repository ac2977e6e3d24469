using Microsoft.Extensions.Logging;
using Portable.Aws.Runtime;
using Portable.Core.Functions;

namespace Portable.Aws.Events;

/// <summary>
/// Steps 2 and 5 of one trigger kind on Lambda: which events carry it, how they become the neutral input, and how the
/// outcome is answered. The bootstrap picks one mapper from <see cref="Default"/> by the function's trigger, once at
/// start-up, so a new kind (an EventBridge schedule, S3 notifications) is one subclass and one entry in that list.
/// </summary>
public abstract class LambdaTriggerMapper
{
    /// <summary>
    /// The mappers the bootstrap chooses from: HTTP (API Gateway, Function URL), queue (SQS), stream (Kinesis, DynamoDB
    /// Streams), schedule (EventBridge), saga step (Step Functions), storage (S3 notifications, EventBridge "Object Created"),
    /// event (an EventBridge rule, directly or through SQS).
    /// </summary>
    public static IReadOnlyList<LambdaTriggerMapper> Default { get; } =
        [new HttpTriggerMapper(), new QueueTriggerMapper(), new StreamTriggerMapper(), new ScheduleTriggerMapper(), new SagaStepMapper(), new StorageTriggerMapper(), new EventTriggerMapper()];

    /// <summary>The trigger kind and the Lambda event sources it takes, in an operator's words (for errors).</summary>
    public abstract string Description { get; }

    /// <summary>True when this mapper serves functions with <paramref name="trigger"/>.</summary>
    public abstract bool CanServe(FunctionTrigger trigger);

    /// <summary>
    /// Binds to <paramref name="function"/>, resolving what it needs from <paramref name="services"/> once: the result
    /// answers each invocation of the process.
    /// </summary>
    /// <exception cref="InvalidOperationException">A service the mapper needs could not be built.</exception>
    public abstract LambdaEventHandler Bind(FunctionDefinition function, IServiceProvider services, ILogger logger);

    /// <summary>The first of <paramref name="mappers"/> that serves <paramref name="trigger"/>, or null.</summary>
    public static LambdaTriggerMapper? Find(IReadOnlyList<LambdaTriggerMapper> mappers, FunctionTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(mappers);
        ArgumentNullException.ThrowIfNull(trigger);
        foreach (var mapper in mappers)
        {
            if (mapper.CanServe(trigger))
            {
                return mapper;
            }
        }

        return null;
    }
}

/// <summary>A mapper for one trigger type, <typeparamref name="TTrigger"/>: the type test is made here, once.</summary>
/// <typeparam name="TTrigger">The Core trigger it serves.</typeparam>
public abstract class LambdaTriggerMapper<TTrigger> : LambdaTriggerMapper
    where TTrigger : FunctionTrigger
{
    /// <inheritdoc />
    public sealed override bool CanServe(FunctionTrigger trigger) => trigger is TTrigger;

    /// <inheritdoc />
    public sealed override LambdaEventHandler Bind(FunctionDefinition function, IServiceProvider services, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(logger);
        return function.Trigger is TTrigger trigger
            ? Bind(function, trigger, services, logger)
            : throw new ArgumentException($"Function '{function.Name}' has a {function.Trigger.GetType().Name}, not a {typeof(TTrigger).Name}.", nameof(function));
    }

    /// <summary>Binds to <paramref name="function"/>, whose trigger is <paramref name="trigger"/>.</summary>
    protected abstract LambdaEventHandler Bind(FunctionDefinition function, TTrigger trigger, IServiceProvider services, ILogger logger);
}
