using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Items;
using Portable.Core.Patterns.Ledger;
using Portable.Core.State;

namespace Portable.Core.App;

/// <summary>
/// The app every host runs: its manifest (each function declared once) and the services its handlers need.
/// Hosts call <see cref="AddPortableApp"/> after <see cref="PortableDefaults.AddPortableDefaults"/>.
/// </summary>
public static class PortableApp
{
    /// <summary>The manifest: the single source of truth for routing and for every generated deployment file.</summary>
    public static FunctionManifest Manifest { get; } = new FunctionManifestBuilder()
        .AddHttp(ItemsApi.FunctionName, ItemsApi.MapRoutes)
        .AddQueue<LedgerWriter>(LedgerWriter.FunctionName, LedgerWriter.Queue, LedgerWriter.TriggerOptions)
        .AddHttp(AccountsApi.FunctionName, AccountsApi.MapRoutes)
        .Build();

    /// <summary>Registers the patterns' handlers.</summary>
    public static IServiceCollection AddPortableApp(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(Manifest);
        // Built by factories, not by reflection over their constructors (see PortableDefaults).
        services.AddSingleton(sp => new ItemsApi(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new LedgerWriter(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AccountsApi(sp.GetRequiredService<IStateStore>()));
        return services;
    }
}
