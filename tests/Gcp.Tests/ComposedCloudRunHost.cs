using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Settings;
using Portable.Gcp.Http;
using Portable.Gcp.Triggers;
using Portable.TestKit;

namespace Portable.Gcp.Tests;

/// <summary>
/// A Cloud Run host for a test's own app, composed in this process as <see cref="CloudRunHost.RunAsync"/> composes
/// one: the Google pieces from <see cref="CloudRunHost.Cloud"/> read from <paramref name="environment"/> (Pub/Sub,
/// the event bus, Cloud Storage), Portable's composition root, the endpoints <see cref="CloudRunTriggerMapper.Default"/>
/// chooses and <see cref="CloudRunRequest"/> on Kestrel — for apps the repository's own Program does not serve.
/// </summary>
internal sealed class ComposedCloudRunHost : IAsyncDisposable
{
    private readonly WebApplication _web;

    private ComposedCloudRunHost(WebApplication web, int port)
    {
        _web = web;
        Port = port;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _web.Services;

    public static async Task<ComposedCloudRunHost> StartAsync(FunctionApp app, IReadOnlyDictionary<string, string> environment, int port = 0, string? functionTarget = null)
    {
        port = port == 0 ? FreePort.Next() : port;
        var settings = new HostSettings(name => environment.GetValueOrDefault(name));
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var served = functionTarget is null ? app.Manifest : app.Manifest.Only(functionTarget);
        var endpoints = CloudRunEndpoints.Choose(served, functionTarget is not null, CloudRunTriggerMapper.Default);
        await builder.Services.AddPortableHostAsync(app, CloudRunHost.Cloud(settings), o =>
        {
            o.Cloud = CloudProvider.Gcp;
            o.FunctionTarget = functionTarget;
            o.MessageIdempotencyDisabled = false;
            o.TransientFaultRate = 0;
        });
        var web = builder.Build();
        web.Run(new CloudRunRequest(endpoints.Bind(web.Services, NullLogger.Instance), null, NullLogger.Instance).HandleAsync);
        await web.StartAsync();
        return new ComposedCloudRunHost(web, port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _web.StopAsync();
        await _web.DisposeAsync();
    }
}
