using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Items;
using Portable.Core.Patterns.Jobs;
using Portable.Core.Patterns.Ledger;
using Portable.Core.Patterns.Orders;
using Portable.Core.State;

namespace Portable.Core.Patterns;

/// <summary>
/// This repository's app: the serverless patterns as one <see cref="FunctionApp"/>. The hosts' <c>Program.cs</c>
/// files hand it to their entry points; nothing else in the framework knows it.
/// </summary>
public static class PatternsApp
{
    /// <summary>The manifest: the single source of truth for routing and for every generated deployment file.</summary>
    public static FunctionManifest Manifest { get; } = new FunctionManifestBuilder()
        .AddHttp(ItemsApi.FunctionName, ItemsApi.MapRoutes)
        .AddQueue<LedgerWriter>(LedgerWriter.FunctionName, LedgerWriter.Queue, LedgerWriter.TriggerOptions)
        .AddHttp(AccountsApi.FunctionName, AccountsApi.MapRoutes)
        .AddOrders()
        .AddOrderChoreography() // the same orders without an orchestrator, when PORTABLE_ORDERS_SAGA=choreographed
        .AddJobs()
        .Build();

    /// <summary>The app: the manifest and the patterns' handlers.</summary>
    public static FunctionApp App { get; } = new(Manifest, services => services.AddPatterns());

    /// <summary>Registers the patterns' handlers.</summary>
    public static IServiceCollection AddPatterns(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Built by factories, not by reflection over their constructors (see PortableDefaults).
        services.AddSingleton(sp => new ItemsApi(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new LedgerWriter(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AccountsApi(sp.GetRequiredService<IStateStore>()));
        services.AddOrders();
        services.AddJobs();
        return services;
    }
}
