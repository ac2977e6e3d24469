using System.Text.Json;
using Portable.Azure.Layout;
using Portable.Core.Settings;

namespace Portable.Azure.Worker;

/// <summary>What the isolated worker reads from the Functions host's environment and the app's host.json.</summary>
public sealed record IsolatedWorkerOptions
{
    /// <summary>
    /// <c>extensions.http.routePrefix</c> of the app's host.json, stripped from request paths so that the manifest's
    /// <c>/items</c> matches <c>/api/items</c> when an app keeps the host's default prefix. Empty in our host.json.
    /// </summary>
    public string RoutePrefix { get; init; } = HostJsonWriter.RoutePrefix;

    /// <summary>
    /// The Storage connection string of <c>AzureWebJobsStorage</c>, the app setting the host itself uses (it reaches
    /// the worker as an environment variable). When set, state is kept in Table Storage, messages are published to
    /// Storage queues and dead letters go to <c>&lt;queue&gt;-poison</c> there.
    /// </summary>
    public string? StorageConnection { get; init; }

    /// <summary>
    /// Reads <c>AzureWebJobsStorage</c> and the route prefix from host.json in <c>FUNCTIONS_APPLICATION_DIRECTORY</c>
    /// (the script root the host sets), else in <paramref name="appDirectory"/>; without a host.json paths are taken as
    /// they come.
    /// </summary>
    /// <exception cref="SettingsException">host.json is not valid JSON.</exception>
    public static IsolatedWorkerOptions From(Func<string, string?> environment, string appDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = environment("FUNCTIONS_APPLICATION_DIRECTORY") is { Length: > 0 } scriptRoot ? scriptRoot : appDirectory;
        var hostJson = Path.Combine(root, "host.json");
        string prefix;
        try
        {
            prefix = File.Exists(hostJson) ? HostJsonWriter.ReadRoutePrefix(File.ReadAllText(hostJson)) : string.Empty;
        }
        catch (JsonException ex)
        {
            throw new SettingsException($"{hostJson} is not valid JSON: {ex.Message}", ex);
        }

        var storage = environment(AzureLayoutOptions.DefaultStorageConnection) is { Length: > 0 } connection ? connection : null;
        return new IsolatedWorkerOptions { RoutePrefix = prefix, StorageConnection = storage };
    }
}
