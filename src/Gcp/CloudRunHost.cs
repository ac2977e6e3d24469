using System.Net;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Settings;
using Portable.Core.State;
using Portable.Gcp.Http;
using Portable.Gcp.Logging;
using Portable.Gcp.Messaging;
using Portable.Gcp.State;
using Portable.Gcp.Storage;
using Portable.Gcp.Triggers;

namespace Portable.Gcp;

/// <summary>
/// The Cloud Run host for an app it is given, as <c>EntryPoint.StartAsync</c> is in the Functions Framework. Cloud
/// Run's container contract: HTTP on 0.0.0.0:$PORT, SIGTERM then SIGKILL 10 s later. The Functions Framework's HTTP
/// contract: <c>FUNCTION_TARGET</c> picks the function, every path reaches it except <c>/favicon.ico</c> and
/// <c>/robots.txt</c>. Each function is served by the mapper of its trigger kind (<see cref="CloudRunTriggerMapper"/>),
/// chosen before anything is built. Nothing but DI setup happens before Kestrel listens (cold starts), and the host is
/// built from ASP.NET Core's empty builder: no configuration files, no file watcher.
/// </summary>
public static class CloudRunHost
{
    /// <summary>Serves <paramref name="app"/> until SIGTERM; returns the process exit code.</summary>
    public static async Task<int> RunAsync(FunctionApp app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        CloudRunSettings settings;
        CloudRunEndpoints.Plan endpoints;
        // The empty builder, plus Kestrel: the host reads its settings from the environment itself (HostSettings) and
        // configures Kestrel and logging in code, so the slim builder's configuration sources (appsettings.json and
        // its file watcher, environment variables, the command line) would be read at every cold start for nothing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
        builder.WebHost.UseKestrelCore();
        try
        {
            settings = CloudRunSettings.From(HostSettings.Environment, app.Manifest);
            var served = settings.FunctionTarget is { } target ? app.Manifest.Only(target) : app.Manifest;
            endpoints = CloudRunEndpoints.Choose(served, functionTarget: settings.FunctionTarget is not null, CloudRunTriggerMapper.Default);
            await builder.Services.AddPortableHostAsync(app, Cloud(HostSettings.Environment), o =>
            {
                o.Cloud = CloudProvider.Gcp;
                o.FunctionTarget = settings.FunctionTarget;
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SettingsException or StateStoreUnreachableException)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Any, settings.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // Core refuses oversized bodies itself, with a JSON 413.
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = CloudRunSettings.ShutdownTimeout);
        builder.Logging.AddCloudLogging();

        await using var web = builder.Build();
        var log = web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Portable.Gcp");
        web.Run(new CloudRunRequest(endpoints.Bind(web.Services, log), settings.ProjectId, log).HandleAsync);
        web.Lifetime.ApplicationStopping.Register(() => CloudRunLog.Draining(log, CloudRunSettings.ShutdownTimeout.TotalSeconds));

        try
        {
            await web.StartAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"Could not listen on 0.0.0.0:{settings.Port}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        CloudRunLog.Listening(log, settings.Port, settings.FunctionTarget ?? "every function");
        await web.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// The Google pieces of the composition root: PostgreSQL (Cloud SQL) when <c>PORTABLE_POSTGRES_CONNECTION</c> is
    /// set (the in-memory default serves one instance only), Pub/Sub for publishing and for the
    /// <c>&lt;topic&gt;-dead-letter</c> dead letters, the event bus on the Pub/Sub topic <c>PORTABLE_EVENTS_TOPIC</c>
    /// (<see cref="PubSubEventPublisher"/>), and Cloud Storage as the object store storage functions read through
    /// (<see cref="GcsObjectStore"/>, JSON API; <c>STORAGE_EMULATOR_HOST</c> for an emulator). Nothing connects before the
    /// first use. Npgsql marks its own transient faults.
    /// </summary>
    /// <exception cref="SettingsException">A Postgres, Pub/Sub or Cloud Storage variable is set to a value that cannot be used.</exception>
    internal static CloudServices Cloud(HostSettings settings)
    {
        var postgres = PostgresStateStoreOptions.From(settings);
        var pubSub = PubSubPublisherOptions.From(settings);
        var events = PubSubEventPublisherOptions.From(settings);
        var storage = GcsObjectStoreOptions.From(settings);
        return new CloudServices
        {
            OpenStateStore = postgres is null
                ? null
                : async (time, ct) =>
                {
                    try
                    {
                        return await PostgresStateStoreOptions.CreateAsync(postgres, time, ct).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is Npgsql.NpgsqlException or ArgumentException or InvalidOperationException)
                    {
                        throw new StateStoreUnreachableException($"The PostgreSQL state store could not start ({PostgresStateStoreOptions.ConnectionVariable}): {ex.Message}", ex);
                    }
                },
            Services = services => services.AddPubSubClients(pubSub),
            Publisher = sp => sp.GetRequiredService<PubSubPublisher>(),
            EventPublisher = sp => new PubSubEventPublisher(sp.GetRequiredService<PubSubPublisher>(), events),
            ObjectStore = sp => new GcsObjectStore(sp.GetRequiredService<PubSubServiceCollectionExtensions.PubSubHttpClient>().Client, storage, sp.GetRequiredService<MetadataServer>()),
            DeadLetters = sp => new Core.Messaging.PublishingDeadLetterSink(sp.GetRequiredService<PubSubPublisher>(), PubSubServiceCollectionExtensions.DeadLetterSuffix),
        };
    }
}
