namespace Portable.Core.Functions;

/// <summary>The next step of an invocation: a middleware or, last, the handler itself.</summary>
public delegate ValueTask FunctionExecutionDelegate(FunctionContext context);

/// <summary>A step that wraps every invocation (idempotency, tracing, logging scope, resilience).</summary>
public interface IFunctionMiddleware
{
    /// <summary>Does this step's work and calls <paramref name="next"/> unless it answers on its own.</summary>
    ValueTask InvokeAsync(FunctionContext context, FunctionExecutionDelegate next);
}

/// <summary>Builds the middleware pipeline. Its one method is <see cref="Use"/>; the rest are extensions.</summary>
public sealed class FunctionPipelineBuilder
{
    private readonly List<Func<FunctionExecutionDelegate, FunctionExecutionDelegate>> _components = [];

    /// <summary>Adds a step; steps run in the order they were added.</summary>
    public FunctionPipelineBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _components.Add(middleware);
        return this;
    }

    /// <summary>Composes the steps around <paramref name="terminal"/>.</summary>
    public FunctionExecutionDelegate Build(FunctionExecutionDelegate terminal)
    {
        var next = terminal;
        for (var i = _components.Count - 1; i >= 0; i--)
        {
            next = _components[i](next);
        }

        return next;
    }
}

/// <summary>Convenience forms of <see cref="FunctionPipelineBuilder.Use"/>.</summary>
public static class FunctionPipelineBuilderExtensions
{
    /// <summary>Adds a middleware instance.</summary>
    public static FunctionPipelineBuilder UseMiddleware(this FunctionPipelineBuilder builder, IFunctionMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(middleware);
        return builder.Use(next => context => middleware.InvokeAsync(context, next));
    }

    /// <summary>Adds a middleware that runs only for invocations matching <paramref name="predicate"/>.</summary>
    public static FunctionPipelineBuilder UseWhen(
        this FunctionPipelineBuilder builder, Func<FunctionContext, bool> predicate, IFunctionMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(middleware);
        return builder.Use(next => context => predicate(context) ? middleware.InvokeAsync(context, next) : next(context));
    }
}
