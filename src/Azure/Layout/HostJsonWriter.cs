using System.Text.Json;
using Portable.Core.Messaging;

namespace Portable.Azure.Layout;

/// <summary>Writes <c>host.json</c> and the <c>local.settings.json</c> example for a custom-handler app.</summary>
public static class HostJsonWriter
{
    /// <summary>
    /// The route prefix we generate: empty, so public paths are <c>/items</c> as on the other clouds rather than
    /// the host's default <c>/api/items</c>.
    /// </summary>
    public const string RoutePrefix = "";

    /// <summary>The extension bundle that brings the non-HTTP bindings (queue, Service Bus) to a custom handler.</summary>
    public const string ExtensionBundleId = "Microsoft.Azure.Functions.ExtensionBundle";

    /// <summary>The bundle version range: the current major, 4.x.</summary>
    public const string ExtensionBundleVersion = "[4.*, 5.0.0)";

    /// <summary>
    /// <c>host.json</c>: schema version 2.0, the custom handler executable with HTTP forwarding on (the host sends
    /// the original request to the handler at its public path), the empty route prefix and logging defaults.
    /// </summary>
    public static string Write(string executable) => Write(executable, new HashSet<AzureQueueService>());

    /// <summary>
    /// <c>host.json</c> as <see cref="Write(string)"/>, plus, when the app has queue functions, the extension bundle
    /// (non-HTTP bindings need it) and, for Storage queues, <c>extensions.queues</c> spelling out the delivery
    /// numbers of <see cref="DeliveryProfile.AzureStorageQueue"/> (<c>maxDequeueCount</c> 5, <c>visibilityTimeout</c>
    /// 0, base64 message encoding) so the deployed behaviour is the documented one even if the host's defaults move.
    /// </summary>
    public static string Write(string executable, IReadOnlySet<AzureQueueService> queueServices)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executable);
        ArgumentNullException.ThrowIfNull(queueServices);
        return JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("version", "2.0");
            if (queueServices.Count > 0)
            {
                w.WriteStartObject("extensionBundle");
                w.WriteString("id", ExtensionBundleId);
                w.WriteString("version", ExtensionBundleVersion);
                w.WriteEndObject();
            }

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
            if (queueServices.Contains(AzureQueueService.StorageQueue))
            {
                var profile = DeliveryProfile.AzureStorageQueue;
                w.WriteStartObject("queues");
                w.WriteNumber("maxDequeueCount", profile.MaxDeliveries ?? 5);
                w.WriteString("visibilityTimeout", profile.RetryDelay.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("messageEncoding", "base64");
                w.WriteEndObject();
            }

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
    public static string WriteLocalSettings() => WriteLocalSettings(new HashSet<AzureQueueService>(), AzureLayoutOptions.Default);

    /// <summary>
    /// <c>local.settings.json</c> as <see cref="WriteLocalSettings()"/>, plus the queue connections the app's
    /// functions name: the Storage one pointing at Azurite (<c>UseDevelopmentStorage=true</c>), the Service Bus
    /// one empty, to be filled in (there is no local Service Bus emulator in the default toolchain).
    /// </summary>
    public static string WriteLocalSettings(IReadOnlySet<AzureQueueService> queueServices, AzureLayoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(queueServices);
        ArgumentNullException.ThrowIfNull(options);
        return JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("IsEncrypted", false);
            w.WriteStartObject("Values");
            w.WriteString("FUNCTIONS_WORKER_RUNTIME", "Custom");
            if (queueServices.Contains(AzureQueueService.StorageQueue))
            {
                w.WriteString(options.StorageConnection, "UseDevelopmentStorage=true");
            }

            if (queueServices.Contains(AzureQueueService.ServiceBus))
            {
                w.WriteString(options.ServiceBusConnection, string.Empty);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

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
