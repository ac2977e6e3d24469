using Portable.Azure.Layout;

namespace Portable.Azure.Hosting;

/// <summary>Where the custom handler listens and how it reads public paths; built from the host's environment.</summary>
public sealed record CustomHandlerOptions
{
    /// <summary>The port the Functions host gave us (0 picks a free one, for tests).</summary>
    public int Port { get; init; }

    /// <summary>
    /// <c>extensions.http.routePrefix</c> of the app's host.json, stripped from public paths so that the manifest's
    /// <c>/items</c> matches <c>/api/items</c> when an app keeps the host's default prefix. Empty for our layout.
    /// </summary>
    public string RoutePrefix { get; init; } = HostJsonWriter.RoutePrefix;

    /// <summary>
    /// The Storage connection string of <c>AzureWebJobsStorage</c> (the app setting the host itself uses, passed to
    /// the handler as an environment variable). When set, messages are published to Storage queues and dead
    /// letters go to <c>&lt;queue&gt;-poison</c> there; when not, a permanent failure is answered 500 and the host's
    /// own poison rule applies.
    /// </summary>
    public string? StorageConnection { get; init; }

    /// <summary>
    /// Reads <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (or the legacy <c>FUNCTIONS_HTTPWORKER_PORT</c>) and the route
    /// prefix from <c>host.json</c> in <c>FUNCTIONS_APP_ROOT_PATH</c> (or <paramref name="currentDirectory"/>).
    /// Returns null and a message saying what to set when the port is missing or invalid.
    /// </summary>
    public static (CustomHandlerOptions? Options, string? Error) FromEnvironment(Func<string, string?> environment, string currentDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var (name, text) = environment("FUNCTIONS_CUSTOMHANDLER_PORT") is { Length: > 0 } custom
            ? ("FUNCTIONS_CUSTOMHANDLER_PORT", custom)
            : ("FUNCTIONS_HTTPWORKER_PORT", environment("FUNCTIONS_HTTPWORKER_PORT"));
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, "Portable.Azure is an Azure Functions custom handler: the Functions host starts it with FUNCTIONS_CUSTOMHANDLER_PORT set. "
                + "Neither FUNCTIONS_CUSTOMHANDLER_PORT nor FUNCTIONS_HTTPWORKER_PORT is set. Run it with `func start` from the publish folder, "
                + "or set FUNCTIONS_CUSTOMHANDLER_PORT=<port> to run it by hand.");
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return (null, $"{name}='{text}' is not a TCP port (1-65535).");
        }

        var root = environment("FUNCTIONS_APP_ROOT_PATH") is { Length: > 0 } appRoot ? appRoot : currentDirectory;
        var hostJson = Path.Combine(root, "host.json");
        string prefix;
        try
        {
            // Without a host.json there is nothing to strip: paths are taken as they come.
            prefix = File.Exists(hostJson) ? HostJsonWriter.ReadRoutePrefix(File.ReadAllText(hostJson)) : string.Empty;
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (null, $"{hostJson} is not valid JSON: {ex.Message}");
        }

        var storage = environment(AzureLayoutOptions.DefaultStorageConnection) is { Length: > 0 } connection ? connection : null;
        return (new CustomHandlerOptions { Port = port, RoutePrefix = prefix, StorageConnection = storage }, null);
    }
}
