using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.App;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Settings;
using Portable.Core.Messaging;
using Portable.Core.State;
using Portable.Core.Storage;
using Portable.Hosting;
using Portable.Local.Events;
using Portable.Local.Payments;
using Portable.Local.Queues;
using Portable.Local.Schedules;
using Portable.Local.State;
using Portable.Local.Storage;

namespace Portable.Local;

/// <summary>
/// The embedded default host: every HTTP function of the manifest on localhost, every queue function on a
/// durable SQLite queue, every event function behind a durable event bus on the same queues, state in the same
/// SQLite file, objects as files in the data folder (uploaded with <c>PUT /_local/buckets/…</c>, their events
/// delivered to the storage functions on the same queues) — no cloud, no emulator, no account.
/// </summary>
public static class LocalHost
{
    /// <summary>Builds the host for <paramref name="functionApp"/> (not yet started). Creates the data folder when missing.</summary>
    public static WebApplication Build(FunctionApp functionApp, LocalHostOptions options, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(functionApp);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Portable.Local" });
        builder.WebHost.ConfigureKestrel(k =>
        {
            // localhost binds both loopback addresses; a dynamic port (0, for tests) needs one address.
            if (options.Port == 0)
            {
                k.Listen(IPAddress.Loopback, 0);
            }
            else
            {
                k.ListenLocalhost(options.Port);
            }

            k.Limits.MaxRequestBodySize = null; // Core refuses oversized bodies itself, with a JSON 413.
        });

        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning);
        }
        else
        {
            logging(builder.Logging);
        }

        builder.Services.AddSingleton<IStateStore>(sp => new SqliteStateStore(options.DatabasePath, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new DirectoryObjectStore(options.ObjectsDirectory, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IObjectStore>(sp => sp.GetRequiredService<DirectoryObjectStore>());
        builder.Services.AddSingleton(sp => new SqliteMessageQueue(options.DatabasePath, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<SqliteMessageQueue>());
        builder.Services.AddSingleton<IDeadLetterSink>(sp => sp.GetRequiredService<SqliteMessageQueue>());
        builder.Services.AddSingleton<QueueSignal>();
        builder.Services.AddSingleton(sp => new LocalEventBus(sp.GetRequiredService<FunctionManifest>(), sp.GetRequiredService<SqliteMessageQueue>(), sp.GetRequiredService<QueueSignal>()));
        builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<LocalEventBus>());
        builder.Services.AddSingleton(sp => new LocalEventEndpoints(sp.GetRequiredService<LocalEventBus>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new LocalObjectDelivery(sp.GetRequiredService<FunctionManifest>(), sp.GetRequiredService<SqliteMessageQueue>(), sp.GetRequiredService<QueueSignal>()));
        builder.Services.AddSingleton(sp => new LocalObjectEndpoints(sp.GetRequiredService<DirectoryObjectStore>(), sp.GetRequiredService<LocalObjectDelivery>(), options.MaxObjectBytes));
        builder.Services.AddSingleton<LocalQueueEndpoints>();
        builder.Services.AddSingleton(sp => new LocalPaymentEndpoints(sp.GetRequiredService<IStateStore>()));
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<LocalQueueWorker>(
            sp, DeliveryProfile.Local with { VisibilityTimeout = options.QueueVisibilityTimeout ?? DeliveryProfile.Local.VisibilityTimeout }));
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<LocalEventWorker>(
            sp, DeliveryProfile.Local with { VisibilityTimeout = options.QueueVisibilityTimeout ?? DeliveryProfile.Local.VisibilityTimeout }));
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<LocalStorageWorker>(
            sp, DeliveryProfile.Local with { VisibilityTimeout = options.QueueVisibilityTimeout ?? DeliveryProfile.Local.VisibilityTimeout }));
        builder.Services.AddSingleton<LocalScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalScheduler>());
        builder.Services.AddFunctionApp(functionApp, o =>
        {
            o.Cloud = CloudProvider.Local;
            o.TransientFaultRate = options.TransientFaultRate;
        });

        var app = builder.Build();
        var invoker = app.Services.GetRequiredService<HttpInvoker>();
        var queues = app.Services.GetRequiredService<LocalQueueEndpoints>();
        var payments = app.Services.GetRequiredService<LocalPaymentEndpoints>();
        var events = app.Services.GetRequiredService<LocalEventEndpoints>();
        var objects = app.Services.GetRequiredService<LocalObjectEndpoints>();
        app.Run(async context =>
        {
            if (!await queues.TryHandleAsync(context).ConfigureAwait(false)
                && !await events.TryHandleAsync(context).ConfigureAwait(false)
                && !await objects.TryHandleAsync(context).ConfigureAwait(false)
                && !await payments.TryHandleAsync(context).ConfigureAwait(false))
            {
                await AspNetCoreBridge.HandleAsync(context, invoker, new InvocationInfo(TraceParent: context.Request.Headers.TraceParent)).ConfigureAwait(false);
            }
        });
        return app;
    }

    /// <summary>
    /// The local host's single entry point for <paramref name="functionApp"/>, as the cloud hosts have theirs: reads
    /// <c>--port</c>, <c>--data</c> and the other <see cref="LocalHostOptions"/> from <paramref name="args"/> and the
    /// environment, serves until Ctrl+C and returns the process exit code (2 for bad options or settings, such as a
    /// <c>PORTABLE_PAYMENTS_URL</c> that is not an http(s) URL; 1 when the port is taken).
    /// <paramref name="examples"/> adds the app's own curl lines to the banner.
    /// </summary>
    public static async Task<int> RunAsync(FunctionApp functionApp, string[] args, Func<string, IEnumerable<string>>? examples = null)
    {
        ArgumentNullException.ThrowIfNull(functionApp);
        var (options, error) = LocalHostOptions.Parse(args, Environment.GetEnvironmentVariable);
        if (options is null)
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            return 2;
        }

        WebApplication built;
        try
        {
            built = Build(functionApp, options);
        }
        catch (SettingsException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        await using var app = built;
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"Could not listen on port {options.Port}: {ex.Message} Use --port N or PORT to choose another.").ConfigureAwait(false);
            return 1;
        }

        Console.WriteLine(Banner(functionApp.Manifest, app.BaseAddress(), options.DatabasePath, examples));
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>The address the started host listens on, e.g. <c>http://localhost:8080</c>.</summary>
    public static Uri BaseAddress(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("The server reports no addresses; start it first.");
        var port = new Uri(addresses.Addresses.First().Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
        return new Uri($"http://localhost:{port}");
    }

    /// <summary>
    /// The banner printed at start: every route and queue of the manifest, then the app's own ready-to-paste
    /// <paramref name="examples"/> (given the root URL), which only the app can know.
    /// </summary>
    public static string Banner(FunctionManifest manifest, Uri baseAddress, string databasePath, Func<string, IEnumerable<string>>? examples = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var lines = new List<string> { $"Portable local host on {baseAddress.ToString().TrimEnd('/')}  (state: {Path.GetFullPath(databasePath)})", string.Empty };
        foreach (var (function, trigger) in manifest.HttpFunctions)
        {
            foreach (var route in trigger.Routes)
            {
                lines.Add($"  {function.Name,-14} {route.Method,-7} {route.Template}");
            }
        }

        foreach (var (function, queue) in manifest.FunctionsOf<QueueTrigger>())
        {
            lines.Add($"  {function.Name,-14} {"QUEUE",-7} {queue.Queue}  (send: POST {LocalQueueEndpoints.Prefix}/{queue.Queue})");
        }

        foreach (var (function, trigger) in manifest.FunctionsOf<EventTrigger>())
        {
            lines.Add($"  {function.Name,-14} {"EVENT",-7} {trigger.Rule} {trigger.Pattern.Json}  (publish: POST {LocalEventEndpoints.Path})");
        }

        foreach (var (function, trigger) in manifest.FunctionsOf<StorageTrigger>())
        {
            lines.Add($"  {function.Name,-14} {"STORAGE",-7} {trigger.Bucket}/{trigger.Prefix}*{trigger.Suffix}  (upload: PUT {LocalObjectEndpoints.BucketsPrefix}/{trigger.Bucket}/{trigger.Prefix}{{key}}{trigger.Suffix})");
        }

        var tries = examples?.Invoke(baseAddress.ToString().TrimEnd('/')).ToList() ?? [];
        if (tries.Count > 0)
        {
            lines.Add(string.Empty);
            lines.Add("Try:");
            lines.AddRange(tries.Select(t => "  " + t));
        }

        lines.Add(string.Empty);
        lines.Add("Press Ctrl+C to stop.");
        return string.Join(Environment.NewLine, lines);
    }
}
