namespace Portable.Core.Functions;

/// <summary>A step that wraps every invocation (idempotency, tracing, logging scope, resilience).</summary>
public interface IFunctionMiddleware
{
    /// <summary>Does this step's work and calls <paramref name="next"/> unless it answers on its own.</summary>
    ValueTask InvokeAsync(FunctionContext context, FunctionExecutionDelegate next);
}
