namespace Portable.Deploy.Bicep;

/// <summary>
/// A Bicep module the app's template includes (for instance the Event Grid subscriptions another generator writes): its
/// symbolic name, its path relative to <c>azure/main.bicep</c>, and its parameters as Bicep expressions over the main
/// template's symbols (<c>app.name</c>, <c>storage.name</c>, <c>location</c>).
/// </summary>
/// <param name="Name">The module's symbolic name in main.bicep.</param>
/// <param name="Path">The module file, relative to main.bicep (<c>event-grid.bicep</c>).</param>
/// <param name="Parameters">Parameter name → Bicep expression.</param>
public sealed record BicepModule(string Name, string Path, IReadOnlyDictionary<string, string> Parameters);
