namespace Portable.Core.Functions;

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
