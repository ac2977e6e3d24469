using Portable.Core.Functions;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Choreography;

namespace Portable.ChoreographedOrdersApp;

/// <summary>
/// <see cref="PatternsApp"/>'s functions and services plus the order choreography's seven event functions
/// (<c>orders-reserve-inventory</c> … <c>orders-cancel-shipment</c>). Which saga runs the orders is still
/// <c>PORTABLE_ORDERS_SAGA</c>'s choice, read by <c>AddOrders</c> from the bootstrap's environment.
/// </summary>
public static class ChoreographedPatternsApp
{
    /// <summary>The patterns' manifest with <see cref="OrderChoreography.AddOrderChoreography"/>.</summary>
    public static FunctionManifest Manifest { get; } = Build();

    /// <summary>The app: that manifest and the patterns' handlers.</summary>
    public static FunctionApp App { get; } = new(Manifest, services => services.AddPatterns());

    private static FunctionManifest Build()
    {
        var manifest = new FunctionManifestBuilder();
        foreach (var function in PatternsApp.Manifest.Functions)
        {
            manifest.Add(function);
        }

        return manifest.AddOrderChoreography().Build();
    }
}
