using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portable.Core.App;
using Portable.Azure.Layout;
using Portable.Azure.Messaging;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Resilience;
using Portable.Core.State;
using Portable.Azure.State;

namespace Portable.Azure.Hosting;

/// <summary>
/// The composition root of the Azure Functions custom handler: Kestrel on <c>127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT</c>
/// (the host calls that address only) with one terminal endpoint, <see cref="CustomHandlerEndpoint"/>.
/// </summary>
public static class CustomHandlerHost
{
    /// <summary>
    /// True when this process is to be the custom handler rather than the isolated worker: the Functions host gave it
    /// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (or the legacy <c>FUNCTIONS_HTTPWORKER_PORT</c>), or the arguments are the
    /// custom handler's own (<c>--write-layout</c>, <c>--help</c>). A transition switch: the custom handler retires once
    /// the isolated worker runs every scenario.
    /// </summary>
    public static bool IsRequested(string[] args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrEmpty(environment("FUNCTIONS_CUSTOMHANDLER_PORT"))
            || !string.IsNullOrEmpty(environment("FUNCTIONS_HTTPWORKER_PORT"))
            || args is ["--write-layout", ..] or ["--help" or "-h"];
    }

    /// <summary>
    /// The custom handler's single entry point for <paramref name="app"/>: serves it (the Functions host starts the
    /// handler with <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set), or with <c>--write-layout DIR</c> writes the app's script
    /// root. Returns the process exit code.
    /// </summary>
    public static async Task<int> RunAsync(FunctionApp app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        switch (args)
        {
            case ["--write-layout", var directory, .. var rest] when rest is [] or ["--service-bus", _]:
                var layoutOptions = rest is [_, var serviceBus] ? AzureLayoutOptions.WithServiceBus(serviceBus) : AzureLayoutOptions.Default;
                try
                {
                    foreach (var path in FunctionsLayout.WriteTo(directory, app.Manifest, layoutOptions))
                    {
                        Console.WriteLine($"wrote {path}");
                    }
                }
                catch (ArgumentException ex)
                {
                    Console.Error.WriteLine(ex.Message);
                    return 2;
                }

                return 0;
            case ["--help" or "-h"]:
                Console.WriteLine("""
                    Usage: Portable.Azure                       serve as a custom handler (the Functions host starts it
                                                                with FUNCTIONS_CUSTOMHANDLER_PORT set)
                           Portable.Azure --write-layout DIR [--service-bus FN[,FN...]]
                                                                write host.json, local.settings.json and a folder per
                                                                function (function.json) into DIR; queue functions
                                                                listen on a Storage queue (queueTrigger) unless named
                                                                after --service-bus (serviceBusTrigger)
                    """);
                return 0;
            case []:
                break;
            default:
                Console.Error.WriteLine($"Unknown arguments '{string.Join(' ', args)}'. Try --help.");
                return 2;
        }

        var (options, error) = CustomHandlerOptions.FromEnvironment(Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        WebApplication web;
        try
        {
            web = await BuildAsync(app, options).ConfigureAwait(false);
        }
        catch (Core.State.StateStoreUnreachableException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        await using (web.ConfigureAwait(false))
        {
            await web.RunAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Builds the handler for <paramref name="app"/> (not yet started). <paramref name="configureServices"/> runs
    /// first, so a test or a deployment can register its own state store, dead-letter sink or clock.
    /// </summary>
    /// <exception cref="Core.State.StateStoreUnreachableException">Table Storage is configured but did not answer.</exception>
    public static async Task<WebApplication> BuildAsync(FunctionApp app, CustomHandlerOptions options, Action<ILoggingBuilder>? logging = null, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Portable.Azure" });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = null; // Core refuses oversized bodies itself, with a JSON 413.
        });

        builder.Logging.ClearProviders();
        if (logging is null)
        {
            // The host captures the handler's stdout and stderr into its own logs.
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning);
        }
        else
        {
            logging(builder.Logging);
        }

        configureServices?.Invoke(builder.Services);
        builder.Services.AddSingleton(options);
        await builder.Services.AddPortableHostAsync(app, AzureCloudServices.For(options.StorageConnection), o => o.Cloud = CloudProvider.Azure).ConfigureAwait(false);
        builder.Services.AddSingleton(sp => new QueueInvocationHandler(sp.GetRequiredService<Core.Invocation.MessageInvoker>(), sp.GetRequiredService<ILogger<QueueInvocationHandler>>()));
        builder.Services.AddSingleton<CustomHandlerEndpoint>();

        var web = builder.Build();
        var endpoint = web.Services.GetRequiredService<CustomHandlerEndpoint>();
        web.Run(endpoint.HandleAsync);
        return web;
    }

    /// <summary>The loopback address the started handler listens on, e.g. <c>http://127.0.0.1:50123/</c>.</summary>
    public static Uri BaseAddress(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("The server reports no addresses; start it first.");
        return new Uri($"http://127.0.0.1:{new Uri(addresses.Addresses.First()).Port}/");
    }
}
