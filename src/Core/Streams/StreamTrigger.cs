using System.Diagnostics;
using Portable.Core.Functions;

namespace Portable.Core.Streams;

/// <summary>A function triggered by an ordered stream: Kinesis, DynamoDB Streams, Pub/Sub with ordering keys.</summary>
/// <param name="Stream">The stream's name (Kinesis stream, DynamoDB table, Pub/Sub topic).</param>
/// <param name="Options">Batching settings.</param>
/// <param name="BindHandler">Resolves the handler for one record from a host's services, once per host.</param>
public sealed record StreamTrigger(string Stream, StreamTriggerOptions Options, Func<IServiceProvider, StreamHandler> BindHandler) : FunctionTrigger
{
    /// <inheritdoc />
    public override string Kind => "datasource";

    /// <inheritdoc />
    public override ActivityKind ActivityKind => ActivityKind.Consumer;

    /// <inheritdoc />
    public override FunctionExecutionDelegate Bind(IServiceProvider services)
    {
        var handler = BindHandler(services);
        return context => Run(context, handler((StreamRecord)context.Input, context, context.CancellationToken));
    }

    /// <inheritdoc />
    public override void Tag(Activity activity, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Input is StreamRecord record)
        {
            activity.SetTag("messaging.message.id", record.SequenceNumber);
            activity.SetTag("messaging.destination.name", record.Source);
            activity.SetTag("messaging.destination.partition.id", record.ShardId ?? record.PartitionKey);
        }
    }

    private static async ValueTask Run(FunctionContext context, ValueTask pending)
    {
        await pending.ConfigureAwait(false);
        context.Result = StreamRecordOutcome.Success;
    }
}
