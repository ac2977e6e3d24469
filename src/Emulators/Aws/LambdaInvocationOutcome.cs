namespace Portable.Emulators.Aws;

/// <summary>How an invocation ended.</summary>
public enum LambdaInvocationOutcome
{
    /// <summary>The runtime posted <c>/response</c>.</summary>
    Success,

    /// <summary>The runtime posted <c>/error</c>, or its response was refused (413 over the payload limit).</summary>
    FunctionError,

    /// <summary>Nothing was posted before the timeout (Lambda's <c>Sandbox.Timeout</c>).</summary>
    Timeout,

    /// <summary>The runtime posted <c>/runtime/init/error</c>; Lambda reports that on the invoke it was waiting for.</summary>
    InitError,

    /// <summary>
    /// The payload was over <see cref="LambdaRuntimeApiEmulatorOptions.MaxRequestBytes"/>: Lambda refused the invoke
    /// (<c>RequestEntityTooLargeException</c>, 413) and the function never ran.
    /// </summary>
    RequestTooLarge,
}
