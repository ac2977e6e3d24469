using System.Diagnostics;
using Portable.Core.Functions;

namespace Portable.Core.Messaging;

/// <summary>A function triggered by a queue or topic.</summary>
/// <param name="Queue">The queue or topic name (SQS queue, Storage Queue / Service Bus queue, Pub/Sub topic).</param>
/// <param name="Options">Batching, ordering and idempotency settings.</param>
/// <param name="BindHandler">Resolves the handler for one message from a host's services, once per host.</param>
public sealed record QueueTrigger(string Queue, QueueTriggerOptions Options, Func<IServiceProvider, MessageHandler> BindHandler) : FunctionTrigger
{
    /// <inheritdoc />
    public override string Kind => "pubsub";

    /// <inheritdoc />
    public override ActivityKind ActivityKind => ActivityKind.Consumer;

    /// <inheritdoc />
    public override FunctionExecutionDelegate Bind(IServiceProvider services)
    {
        var handler = BindHandler(services);
        return context => SetResultAsync(context, handler((IncomingMessage)context.Input, context, context.CancellationToken));
    }

    /// <inheritdoc />
    public override void Tag(Activity activity, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Input is IncomingMessage message)
        {
            activity.SetTag("messaging.message.id", message.Id);
            activity.SetTag("messaging.destination.name", message.Source);
            activity.SetTag("messaging.message.delivery_count", message.DeliveryCount);
        }
    }
}
