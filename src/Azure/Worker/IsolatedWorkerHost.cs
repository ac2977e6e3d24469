using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Azure.Functions.Worker.Invocation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portable.Azure.Events;
using Portable.Azure.Sagas;
using Portable.Core.Events;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Settings;
using Portable.Core.State;

namespace Portable.Azure.Worker;

/// <summary>
/// The composition root of the Azure Functions .NET isolated worker for an app it is given: the worker's own
/// <see cref="FunctionsApplication.CreateBuilder"/> (gRPC to the host, logging to the host, no console), Portable
/// through the shared composition root with the Azure services (Table Storage state, Storage-queue publisher,
/// <c>&lt;queue&gt;-poison</c> dead letters), and the worker's metadata provider and executor decorated so that the
/// manifest's functions are Azure functions of the same names beside any attributed <c>[Function]</c> methods.
/// </summary>
public static class IsolatedWorkerHost
{
    /// <summary>The configuration key the host's <c>--functions-uri</c> argument sets (protocol digest §1.2).</summary>
    public const string HostEndpointKey = "Functions:Worker:HostEndpoint";

    /// <summary>
    /// Serves <paramref name="app"/> as the Functions host's worker until the host sends <c>WorkerTerminate</c>; returns
    /// the process exit code (2 when the host did not start it, or a setting or the state store is unusable).
    /// </summary>
    public static Task<int> RunAsync(FunctionApp app, string[] args) => RunAsync(app, args, configureServices: null);

    /// <summary>
    /// Serves <paramref name="app"/> as <see cref="RunAsync(FunctionApp, string[])"/> does, with
    /// <paramref name="configureServices"/> run first (see <see cref="BuildAsync"/>): the app's own registrations,
    /// e.g. a saga for the Durable runner (<see cref="DurableSagaServiceCollectionExtensions.AddDurableSaga"/>).
    /// </summary>
    public static async Task<int> RunAsync(FunctionApp app, string[] args, Action<IServiceCollection>? configureServices)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        IHost host;
        try
        {
            host = await BuildAsync(app, args, configureServices).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SettingsException or StateStoreUnreachableException)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        using (host)
        {
            if (string.IsNullOrEmpty(host.Services.GetRequiredService<IConfiguration>()[HostEndpointKey]))
            {
                await Console.Error.WriteLineAsync(
                    "Portable.Azure is an Azure Functions isolated worker (dotnet-isolated): the Functions host starts it with --functions-uri, "
                    + "--functions-worker-id and --functions-grpc-max-message-length. Run it with `func start` from the project folder "
                    + "or from the publish folder.").ConfigureAwait(false);
                return 2;
            }

            await host.RunAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Builds the worker for <paramref name="app"/> (not yet started). <paramref name="configureServices"/> runs
    /// before Portable's registrations, so a test or a deployment can register its own state store, dead-letter sink
    /// or clock.
    /// </summary>
    /// <exception cref="SettingsException">The app's host.json or a setting is unusable.</exception>
    /// <exception cref="StateStoreUnreachableException">Table Storage is configured but did not answer.</exception>
    /// <exception cref="NotSupportedException">A manifest function has no Azure mapping, or two need the catch-all route.</exception>
    /// <exception cref="InvalidOperationException">With the Durable saga runner, a saga function takes a manifest function's name.</exception>
    public static async Task<IHost> BuildAsync(FunctionApp app, string[] args, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        var builder = FunctionsApplication.CreateBuilder(args);
        var options = IsolatedWorkerOptions.From(Environment.GetEnvironmentVariable, AppContext.BaseDirectory);

        configureServices?.Invoke(builder.Services);
        var durableSagas = options.DurableSagas ? DurableSagaRunner.SagasIn(builder.Services) : [];
        var metadata = ManifestFunctionMetadataProvider.Describe(app.Manifest, ScriptFile, durableClient: durableSagas.Count > 0);
        builder.Services.AddSingleton(options);
        await builder.Services.AddPortableHostAsync(app, AzureCloudServices.For(options.StorageConnection), o => o.Cloud = CloudProvider.Azure).ConfigureAwait(false);
        DurableSagaRunner.AddTo(builder, durableSagas, app.Manifest);
        builder.Services.TryAddSingleton(sp => new QueueInvocationHandler(sp.GetRequiredService<MessageInvoker>(), sp.GetRequiredService<ILogger<QueueInvocationHandler>>()));
        builder.Services.TryAddSingleton<Storage.BlobTriggerHandler>();
        if (app.Manifest.FunctionsOf<EventTrigger>().Any())
        {
            builder.Services.TryAddSingleton(sp => new EventQueueHandler(
                sp.GetRequiredService<InvocationEngine>(),
                sp.GetService<Core.Messaging.IMessagePublisher>(),
                sp.GetRequiredService<Core.Messaging.IDeadLetterSink>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<EventQueueHandler>>()));
        }

        builder.Services.TryAddSingleton<ManifestFunctionDispatcher>();

        // CreateBuilder has run the SDK's generated startups by now: the last registrations are the generated
        // provider and executor when the entry assembly was built with the Worker SDK, the worker's defaults otherwise.
        ServiceDecoration.Decorate<IFunctionMetadataProvider>(builder.Services, (_, inner) => new ManifestFunctionMetadataProvider(metadata, inner));
        ServiceDecoration.Decorate<IFunctionExecutor>(builder.Services, (sp, inner) => new ManifestFunctionExecutor(inner, sp.GetRequiredService<ManifestFunctionDispatcher>()));
        return builder.Build();
    }

    /// <summary>The assembly holding <see cref="ManifestFunction"/>, as the metadata's script file (resolved against the app directory).</summary>
    private static string ScriptFile => typeof(ManifestFunction).Assembly.GetName().Name + ".dll";
}
