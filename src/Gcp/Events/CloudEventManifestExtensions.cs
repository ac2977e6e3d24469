using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;

namespace Portable.Gcp.Events;

/// <summary>Declares Cloud Run CloudEvent functions in the manifest.</summary>
public static class CloudEventManifestExtensions
{
    /// <summary>Declares a CloudEvent function named <paramref name="name"/> handled by <paramref name="handler"/>.</summary>
    /// <param name="builder">The manifest builder.</param>
    /// <param name="name">The function's name (what <c>FUNCTION_TARGET</c> names).</param>
    /// <param name="handler">The handler.</param>
    public static FunctionManifestBuilder AddCloudEvent(this FunctionManifestBuilder builder, string name, CloudEventHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddCloudEvent(name, _ => handler);
    }

    /// <summary>Declares a CloudEvent function whose handler is resolved from the host's services once per host.</summary>
    /// <param name="builder">The manifest builder.</param>
    /// <param name="name">The function's name (what <c>FUNCTION_TARGET</c> names).</param>
    /// <param name="bindHandler">Resolves the handler.</param>
    public static FunctionManifestBuilder AddCloudEvent(this FunctionManifestBuilder builder, string name, Func<IServiceProvider, CloudEventHandler> bindHandler)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(bindHandler);
        return builder.Add(new FunctionDefinition(name, new CloudEventTrigger(bindHandler)));
    }

    /// <summary>Declares a CloudEvent function handled by <typeparamref name="THandler"/>, resolved from the host's services.</summary>
    /// <typeparam name="THandler">A registered service whose <see cref="ICloudEventFunction.HandleAsync"/> handles each event.</typeparam>
    /// <param name="builder">The manifest builder.</param>
    /// <param name="name">The function's name.</param>
    public static FunctionManifestBuilder AddCloudEvent<THandler>(this FunctionManifestBuilder builder, string name)
        where THandler : ICloudEventFunction =>
        builder.AddCloudEvent(name, static services => services.GetRequiredService<THandler>().HandleAsync);
}
