using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portable.Emulators;

/// <summary>
/// The small web server every emulator (and every fake endpoint in their tests) stands on: Kestrel on 127.0.0.1, no
/// logging providers, and the port it bound read back once started.
/// </summary>
public static class LoopbackServer
{
    /// <summary>
    /// A slim app listening on 127.0.0.1:<paramref name="port"/> (0: any free port); <paramref name="kestrel"/> may
    /// set limits such as the request body size a platform allows, <paramref name="protocols"/> picks the HTTP
    /// versions (<see cref="HttpProtocols.Http2"/> alone for a cleartext gRPC server, which has no ALPN to negotiate
    /// it), and <paramref name="services"/> registers what its endpoints need. Map its endpoints, then start it.
    /// </summary>
    public static WebApplication Create(
        string applicationName,
        int port = 0,
        Action<KestrelServerOptions>? kestrel = null,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2,
        Action<IServiceCollection>? services = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(applicationName);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port, listen => listen.Protocols = protocols);
            kestrel?.Invoke(k);
        });
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary><c>http://127.0.0.1:{port}/</c> of a started <paramref name="app"/>.</summary>
    public static Uri BaseAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri($"http://127.0.0.1:{new Uri(address).Port}/");
    }
}
