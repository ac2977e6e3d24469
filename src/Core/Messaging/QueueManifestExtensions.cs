using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;

namespace Portable.Core.Messaging;

/// <summary>Declares queue functions in the manifest.</summary>
public static class QueueManifestExtensions
{
    /// <summary>Declares a function triggered by <paramref name="queue"/>, handled by <typeparamref name="TFunction"/> from the host's services.</summary>
    public static FunctionManifestBuilder AddQueue<TFunction>(this FunctionManifestBuilder builder, string name, string queue, QueueTriggerOptions? options = null)
        where TFunction : IMessageFunction =>
        builder.AddQueue(name, queue, static services => services.GetRequiredService<TFunction>().HandleAsync, options);

    /// <summary>Declares a function triggered by <paramref name="queue"/> with a handler delegate.</summary>
    public static FunctionManifestBuilder AddQueue(this FunctionManifestBuilder builder, string name, string queue, MessageHandler handler, QueueTriggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddQueue(name, queue, _ => handler, options);
    }

    /// <summary>Declares a function triggered by <paramref name="queue"/> with a handler resolved once per host.</summary>
    public static FunctionManifestBuilder AddQueue(this FunctionManifestBuilder builder, string name, string queue, Func<IServiceProvider, MessageHandler> bindHandler, QueueTriggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(bindHandler);
        if (queue.Length > 63 || !queue.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new ArgumentException($"Queue name '{queue}' must be 1-63 lower-case letters, digits or dashes (valid for SQS, Storage Queues and Pub/Sub).", nameof(queue));
        }

        options ??= new QueueTriggerOptions();
        options.Validate();
        return builder.Add(new FunctionDefinition(name, new QueueTrigger(queue, options, bindHandler)));
    }
}
