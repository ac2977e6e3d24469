using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Portable.Emulators.Azure.Durable;

/// <summary>
/// Hosting a <see cref="DurableTaskHub"/> on an ASP.NET Core gRPC server, e.g. the FunctionRpc emulator's own:
/// <c>services.AddDurableTaskHub(hub)</c>, then <c>endpoints.MapDurableTaskHub()</c>. The server must speak
/// HTTP/2 (h2c on loopback), as the Functions host's does.
/// </summary>
public static class DurableTaskHubEndpoints
{
    /// <summary>Registers gRPC and <paramref name="hub"/> as the singleton the sidecar service serves.</summary>
    public static IServiceCollection AddDurableTaskHub(this IServiceCollection services, DurableTaskHub hub)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(hub);

        // The extension's own listener takes any message size (MaxReceive/SendMessageSize int.MaxValue, digest §5.5).
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = null;
            o.MaxSendMessageSize = null;
        });
        services.AddSingleton(hub);
        return services;
    }

    /// <summary>Maps <c>TaskHubSidecarService</c> (<c>/TaskHubSidecarService/…</c>) onto <paramref name="endpoints"/>.</summary>
    public static GrpcServiceEndpointConventionBuilder MapDurableTaskHub(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGrpcService<DurableTaskHubGrpcService>();
    }
}
