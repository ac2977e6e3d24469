using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Azure.Worker;

/// <summary>
/// The entry point every manifest function's metadata names. The worker loads a function by finding this method and
/// reading its parameters; <see cref="ManifestFunctionExecutor"/> then dispatches the invocations itself, without
/// reflection. Should an app replace the executor, the worker's reflection-based one calls this method, which
/// dispatches the same way.
/// </summary>
public static class ManifestFunction
{
    /// <summary>The entry point as the metadata spells it: <c>{full type name}.{method}</c>.</summary>
    public static readonly string EntryPoint = $"{typeof(ManifestFunction).FullName}.{nameof(RunAsync)}";

    /// <summary>Runs the manifest function <paramref name="context"/> invokes, through <see cref="ManifestFunctionDispatcher"/>.</summary>
    public static Task RunAsync(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.InstanceServices.GetRequiredService<ManifestFunctionDispatcher>().InvokeAsync(context);
    }
}
