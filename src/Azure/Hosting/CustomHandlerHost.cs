using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portable.Core.App;
using Portable.Azure.Messaging;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Resilience;
using Portable.Core.State;
using Portable.Azure.State;
using Portable.Core.Patterns;

namespace Portable.Azure.Hosting;

/// <summary>
/// The composition root of the Azure Functions custom handler: Kestrel on <c>127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT</c>
/// (the host calls that address only) with one terminal endpoint, <see cref="CustomHandlerEndpoint"/>.
/// </summary>
public static class CustomHandlerHost
{
    /// <summary>
    /// Builds the handler (not yet started). <paramref name="configureServices"/> runs before the defaults, so a
    /// test or a deployment can register its own state store or clock.
    /// </summary>
    public static WebApplication Build(CustomHandlerOptions options, Action<ILoggingBuilder>? logging = null, Action<IServiceCollection>? configureServices = null)
    {
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
        if (options.StorageConnection is { } storage)
        {
            builder.Services.TryAddSingleton(_ => StorageQueuePublisher.CreateService(storage));
            builder.Services.TryAddSingleton<IMessagePublisher, StorageQueuePublisher>();
            builder.Services.TryAddSingleton<IDeadLetterSink, PoisonQueueDeadLetterSink>();
        }

        // State lives in Table Storage when a storage account is configured (PORTABLE_TABLES_CONNECTION, else the
        // host's AzureWebJobsStorage); without one the in-memory default serves a single instance.
        var tables = NonEmpty(Environment.GetEnvironmentVariable(TableStorageStateStoreOptions.ConnectionVariable)) is not null
            ? TableStorageStateStoreOptions.FromEnvironment()
            : options.StorageConnection is { } connection
                ? new TableStorageStateStoreOptions(connection, NonEmpty(Environment.GetEnvironmentVariable(TableStorageStateStoreOptions.TableVariable)) ?? TableStorageStateStore.DefaultTableName)
                : null;
        if (tables is not null)
        {
            builder.Services.TryAddSingleton<IStateStore>(sp =>
                TableStorageStateStoreOptions.CreateAsync(tables, sp.GetRequiredService<TimeProvider>()).GetAwaiter().GetResult());
        }

        builder.Services.AddPortableDefaults(o => o.Cloud = CloudProvider.Azure);
        PatternsApp.App.AddTo(builder.Services);
        if (tables is not null || options.StorageConnection is not null)
        {
            // Every call to the storage account goes through a resilience pipeline; throttling and 5xx are transient.
            builder.Services.AddPortableResilience(r => r
                .AddPipeline(PortableResilience.StatePipeline)
                .AddPipeline(PortableResilience.PublishPipeline)
                .AddTransientFault(e => e is global::Azure.RequestFailedException { Status: 408 or 429 or >= 500 }));
            builder.Services.AddResilientStateStore();
            if (options.StorageConnection is not null)
            {
                builder.Services.AddResilientMessagePublisher();
            }
        }
        builder.Services.AddSingleton<QueueInvocationHandler>();
        builder.Services.AddSingleton<CustomHandlerEndpoint>();

        var app = builder.Build();
        var endpoint = app.Services.GetRequiredService<CustomHandlerEndpoint>();
        app.Run(endpoint.HandleAsync);
        return app;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The loopback address the started handler listens on, e.g. <c>http://127.0.0.1:50123/</c>.</summary>
    public static Uri BaseAddress(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("The server reports no addresses; start it first.");
        return new Uri($"http://127.0.0.1:{new Uri(addresses.Addresses.First()).Port}/");
    }
}
