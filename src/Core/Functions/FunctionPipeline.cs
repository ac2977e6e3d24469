namespace Portable.Core.Functions;

/// <summary>The next step of an invocation: a middleware or, last, the handler itself.</summary>
public delegate ValueTask FunctionExecutionDelegate(FunctionContext context);
