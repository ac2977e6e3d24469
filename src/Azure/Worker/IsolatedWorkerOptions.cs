using System.Text.Json;
using Portable.Core.Settings;

namespace Portable.Azure.Worker;

/// <summary>What the isolated worker reads from the Functions host's environment and the app's host.json.</summary>
public sealed record IsolatedWorkerOptions
{
    /// <summary>The app setting holding the host's Storage connection string, which the queue triggers use too.</summary>
    public const string StorageConnectionSetting = "AzureWebJobsStorage";

    /// <summary>The host's route prefix when host.json sets none.</summary>
    public const string DefaultRoutePrefix = "api";

    private static readonly JsonDocumentOptions HostJsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// <c>extensions.http.routePrefix</c> of the app's host.json, stripped from request paths so that the manifest's
    /// <c>/items</c> matches <c>/api/items</c> when an app keeps the host's default prefix. Empty in our host.json.
    /// </summary>
    public string RoutePrefix { get; init; } = string.Empty;

    /// <summary>
    /// The Storage connection string of <c>AzureWebJobsStorage</c>, the app setting the host itself uses (it reaches
    /// the worker as an environment variable). When set, state is kept in Table Storage, messages are published to
    /// Storage queues and dead letters go to <c>&lt;queue&gt;-poison</c> there.
    /// </summary>
    public string? StorageConnection { get; init; }

    /// <summary>
    /// True when <c>PORTABLE_SAGA_RUNNER</c> is <c>durable</c>: the sagas added for the Durable runner run as Durable
    /// orchestrations (<see cref="Sagas.DurableSagaRunner"/>).
    /// </summary>
    public bool DurableSagas { get; init; }

    /// <summary>
    /// Reads <c>AzureWebJobsStorage</c>, <c>PORTABLE_SAGA_RUNNER</c> and the route prefix from host.json in <c>FUNCTIONS_APPLICATION_DIRECTORY</c>
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
            prefix = File.Exists(hostJson) ? ReadRoutePrefix(File.ReadAllText(hostJson)) : string.Empty;
        }
        catch (JsonException ex)
        {
            throw new SettingsException($"{hostJson} is not valid JSON: {ex.Message}", ex);
        }

        var storage = environment(StorageConnectionSetting) is { Length: > 0 } connection ? connection : null;
        return new IsolatedWorkerOptions { RoutePrefix = prefix, StorageConnection = storage, DurableSagas = Sagas.DurableSagaRunner.IsSelected(environment) };
    }

    /// <summary>
    /// <c>extensions.http.routePrefix</c> of <paramref name="hostJson"/> without slashes, or the host's default
    /// <see cref="DefaultRoutePrefix"/> when it sets none; read as the host reads its config (comments and trailing
    /// commas allowed, names case-insensitive).
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static string ReadRoutePrefix(string hostJson)
    {
        ArgumentNullException.ThrowIfNull(hostJson);
        using var document = JsonDocument.Parse(hostJson, HostJsonOptions);
        return TryGetProperty(document.RootElement, "extensions", out var extensions)
            && TryGetProperty(extensions, "http", out var http)
            && TryGetProperty(http, "routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String
                ? prefix.GetString()!.Trim('/')
                : DefaultRoutePrefix;
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }
}
