using Microsoft.Extensions.DependencyInjection;

namespace Portable.Core.Functions;

/// <summary>
/// An app a host runs: its manifest and the services its handlers need. Every host takes one at its single entry
/// point (<c>LambdaHost.RunAsync</c>, <c>CloudRunHost.RunAsync</c>, …), so the same hosts run this repository's
/// patterns or a user's own functions; only each host's <c>Program.cs</c> says which.
/// </summary>
public sealed class FunctionApp
{
    private readonly Action<IServiceCollection>? _services;

    /// <summary>Describes an app.</summary>
    /// <param name="manifest">Every function, declared once.</param>
    /// <param name="services">Registers the handlers and what they need (called once per host, after Portable's own services).</param>
    public FunctionApp(FunctionManifest manifest, Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        _services = services;
    }

    /// <summary>The app's manifest.</summary>
    public FunctionManifest Manifest { get; }

    /// <summary>Registers the manifest and the app's services.</summary>
    public IServiceCollection AddTo(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(Manifest);
        _services?.Invoke(services);
        return services;
    }
}
