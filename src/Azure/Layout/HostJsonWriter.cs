using System.Text.Json;

namespace Portable.Azure.Layout;

/// <summary>Writes <c>host.json</c> and the <c>local.settings.json</c> example for a custom-handler app.</summary>
public static class HostJsonWriter
{
    /// <summary>
    /// The route prefix we generate: empty, so public paths are <c>/items</c> as on the other clouds rather than
    /// the host's default <c>/api/items</c>.
    /// </summary>
    public const string RoutePrefix = "";

    /// <summary>
    /// <c>host.json</c>: schema version 2.0, the custom handler executable with HTTP forwarding on (the host sends
    /// the original request to the handler at its public path), the empty route prefix and logging defaults.
    /// </summary>
    public static string Write(string executable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executable);
        return JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("version", "2.0");
            w.WriteStartObject("logging");
            w.WriteStartObject("logLevel");
            w.WriteString("default", "Information");
            w.WriteString("Host.Results", "Information");
            w.WriteString("Function", "Information");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("extensions");
            w.WriteStartObject("http");
            w.WriteString("routePrefix", RoutePrefix);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("customHandler");
            w.WriteStartObject("description");
            w.WriteString("defaultExecutablePath", executable);
            w.WriteString("workingDirectory", string.Empty);
            w.WriteStartArray("arguments");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteBoolean("enableForwardingHttpRequest", true);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>local.settings.json</c> for <c>func start</c>: <c>FUNCTIONS_WORKER_RUNTIME=Custom</c> is what makes the
    /// host start a custom handler (protocols README §1c). Only read locally; never published as app settings.
    /// </summary>
    public static string WriteLocalSettings() => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("IsEncrypted", false);
        w.WriteStartObject("Values");
        w.WriteString("FUNCTIONS_WORKER_RUNTIME", "Custom");
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// Reads <c>extensions.http.routePrefix</c> from a <c>host.json</c> text; the host's default <c>api</c> when
    /// the setting is absent. Comments and trailing commas are accepted, as the host accepts them.
    /// </summary>
    public static string ReadRoutePrefix(string hostJson)
    {
        ArgumentNullException.ThrowIfNull(hostJson);
        using var document = JsonDocument.Parse(hostJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.ValueKind == JsonValueKind.Object
            && TryGetProperty(document.RootElement, "extensions", out var extensions)
            && TryGetProperty(extensions, "http", out var http)
            && TryGetProperty(http, "routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String
                ? prefix.GetString()!.Trim('/')
                : "api";
    }

    // host.json is read case-insensitively by the host's configuration system.
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
