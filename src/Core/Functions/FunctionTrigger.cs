using System.Diagnostics;

namespace Portable.Core.Functions;

/// <summary>
/// What invokes a function: HTTP, a queue, and the schedule, event and orchestration triggers to come. A trigger
/// declares how its handler is bound to a host's services; the invocation engine does the rest the same way for
/// every kind, so a new kind is one type here and one mapper per adapter.
/// </summary>
public abstract record FunctionTrigger
{
    /// <summary>The OpenTelemetry <c>faas.trigger</c> value: <c>http</c>, <c>pubsub</c>, <c>timer</c>, <c>datasource</c> or <c>other</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The span kind an invocation is traced as: a server for requests, a consumer for messages.</summary>
    public virtual ActivityKind ActivityKind => ActivityKind.Server;

    /// <summary>
    /// Resolves the handler from a host's services, once per host: the step that ends the function's pipeline,
    /// reading the neutral input from the context and setting <see cref="FunctionContext.Result"/>.
    /// </summary>
    public abstract FunctionExecutionDelegate Bind(IServiceProvider services);

    /// <summary>
    /// The end of a bound handler that answers with a result: awaits <paramref name="pending"/> and sets it as the
    /// invocation's <see cref="FunctionContext.Result"/>, where the trigger's front door reads it.
    /// </summary>
    protected static async ValueTask SetResultAsync<TResult>(FunctionContext context, ValueTask<TResult> pending)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Result = await pending.ConfigureAwait(false);
    }

    /// <summary>Adds the trigger's own tags (message id, destination, delivery count) to the invocation's span.</summary>
    public virtual void Tag(Activity activity, FunctionContext context)
    {
    }
}
