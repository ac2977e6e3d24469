using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Emulators.Azure.Durable;

/// <summary>
/// A <see cref="DurableTaskHub"/> served on its own loopback gRPC server (Kestrel, HTTP/2 cleartext on 127.0.0.1),
/// as the Durable extension serves it beside the Functions host: for tests and tools that need the sidecar without
/// the FunctionRpc emulator.
/// </summary>
public sealed class DurableTaskHubServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private DurableTaskHubServer(WebApplication app, DurableTaskHub hub, Uri address)
    {
        this.app = app;
        Hub = hub;
        Address = address;
    }

    /// <summary>The hub served.</summary>
    public DurableTaskHub Hub { get; }

    /// <summary>The gRPC address, <c>http://127.0.0.1:{port}/</c>: the binding's <c>rpcBaseUrl</c>.</summary>
    public Uri Address { get; }

    /// <summary>Serves <paramref name="hub"/> on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    public static async Task<DurableTaskHubServer> StartAsync(DurableTaskHub hub, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "DurableTaskHub",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddDurableTaskHub(hub);
        var app = builder.Build();
        app.MapDurableTaskHub();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new DurableTaskHubServer(app, hub, new Uri($"http://127.0.0.1:{new Uri(bound).Port}/"));
    }

    /// <summary>The <c>durableClient</c> binding value pointing at this server.</summary>
    public string DurableClientBindingJson() => Hub.DurableClientBindingJson(Address);

    /// <summary>Stops the server (the hub stays; dispose it separately).</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
