using System.Globalization;
using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Storage;

namespace Portable.Azure.Storage;

/// <summary>
/// Maps a <c>blobTrigger</c> invocation of the isolated worker to Core's <see cref="ObjectCreated"/>. What the host
/// sends (WebJobs Blobs extension 5.3, BlobTriggerBinding.CreateBindingData; values as the host's RPC conversion
/// types them, protocol digest §3):
/// <list type="bullet">
/// <item><c>BlobTrigger</c>: the blob's path, <c>{container}/{blob name}</c>, as a string — the blob name may hold
/// slashes, so the container is what comes before the first one;</item>
/// <item><c>Properties</c>: the SDK's <c>BlobProperties</c> as JSON (Newtonsoft): <c>ContentLength</c>,
/// <c>ContentType</c>, <c>LastModified</c>, <c>VersionId</c>, … and <c>"ETag":{}</c>, Azure.ETag having no public
/// member for Newtonsoft to write (seen in captured invocations), so the entity tag is not in it;</item>
/// <item><c>Uri</c> (JSON string), <c>Metadata</c> (JSON object) and the path's own parameters (<c>name</c>);</item>
/// <item>the trigger value itself: with <c>supportsDeferredBinding</c>, <c>model_binding_data</c> of source
/// <c>AzureStorageBlobs</c> whose content is <c>{"Connection","ContainerName","BlobName"}</c>, else the blob's bytes.</item>
/// </list>
/// An entity tag given as a string (quoted or not) is taken, unquoted; otherwise <see cref="ObjectCreated.ETag"/> is
/// left null for <see cref="BlobTriggerHandler"/> to ask the store.
/// </summary>
public static class BlobTriggerMapping
{
    /// <summary>The <c>model_binding_data</c> source the Blobs extension gives its deferred-binding values.</summary>
    public const string ModelBindingSource = "AzureStorageBlobs";

    /// <summary>
    /// Reads the event from <paramref name="bindingData"/> (the trigger metadata), taking the container and blob name
    /// from <c>BlobTrigger</c>, else from <paramref name="modelBindingContent"/> (the deferred-binding JSON).
    /// </summary>
    public static bool TryRead(IReadOnlyDictionary<string, object?> bindingData, ReadOnlyMemory<byte>? modelBindingContent, out ObjectCreated created, out string error)
    {
        ArgumentNullException.ThrowIfNull(bindingData);
        created = null!;
        string container;
        string name;
        error = string.Empty;
        if (Unquote(Text(bindingData, "BlobTrigger")) is { } path)
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == path.Length - 1)
            {
                error = $"BlobTrigger '{path}' is not '{{container}}/{{blob name}}'.";
                return false;
            }

            container = path[..slash];
            name = path[(slash + 1)..];
        }
        else if (modelBindingContent is { } content && TryReadModelBindingData(content, out container, out name, out error))
        {
            // named by the deferred-binding value
        }
        else
        {
            error = modelBindingContent is null
                ? "The invocation names no blob: no BlobTrigger in the binding data and no model binding data."
                : $"The invocation names no blob: no BlobTrigger in the binding data, and the model binding data: {error}";
            return false;
        }

        var properties = new BlobTriggerProperties();
        if (Text(bindingData, "Properties") is { } json && !TryReadProperties(json, out properties, out error))
        {
            return false;
        }

        created = new ObjectCreated
        {
            Cloud = CloudProvider.Azure,
            Bucket = container,
            Key = name,
            ETag = properties.ETag,
            Size = properties.Size,
            ContentType = properties.ContentType,
            Version = properties.Version,
            EventTime = properties.LastModified,
        };
        error = string.Empty;
        return true;
    }

    private static bool TryReadModelBindingData(ReadOnlyMemory<byte> content, out string container, out string name, out string error)
    {
        container = name = string.Empty;
        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "it is not a JSON object.";
                return false;
            }

            container = Property(document.RootElement, "ContainerName") is { ValueKind: JsonValueKind.String } c ? c.GetString() ?? string.Empty : string.Empty;
            name = Property(document.RootElement, "BlobName") is { ValueKind: JsonValueKind.String } n ? n.GetString() ?? string.Empty : string.Empty;
        }
        catch (JsonException ex)
        {
            error = $"it is not JSON ({ex.Message}).";
            return false;
        }

        if (container.Length == 0 || name.Length == 0)
        {
            error = "it has no ContainerName and BlobName strings.";
            return false;
        }

        error = string.Empty;
        return true;
    }

    private static bool TryReadProperties(string json, out BlobTriggerProperties properties, out string error)
    {
        properties = new BlobTriggerProperties();
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                error = string.Empty;
                return true;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "Properties is not a JSON object.";
                return false;
            }

            long? size = Property(root, "ContentLength") is { ValueKind: JsonValueKind.Number } length && length.TryGetInt64(out var bytes) && bytes >= 0 ? bytes : null;
            DateTimeOffset? modified = null;
            if (Property(root, "LastModified") is { ValueKind: JsonValueKind.String } time)
            {
                if (!DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                {
                    error = $"Properties.LastModified '{time.GetString()}' is not a date and time.";
                    return false;
                }

                modified = parsed;
            }

            properties = new BlobTriggerProperties
            {
                ETag = NonEmpty(Property(root, "ETag") is { ValueKind: JsonValueKind.String } etag ? etag.GetString()?.Trim('"') : null),
                Size = size,
                ContentType = NonEmpty(Property(root, "ContentType") is { ValueKind: JsonValueKind.String } type ? type.GetString() : null),
                Version = NonEmpty(Property(root, "VersionId") is { ValueKind: JsonValueKind.String } version ? version.GetString() : null),
                LastModified = modified,
            };
            error = string.Empty;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"Properties is not JSON: {ex.Message}";
            return false;
        }
    }

    // The host's JSON is Newtonsoft's, PascalCase; a case-insensitive match also takes a camelCase writer's.
    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals(name) || string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string? Unquote(string? text)
    {
        if (text is not { Length: >= 2 } || text[0] != '"')
        {
            return text;
        }

        try
        {
            return NonEmpty(JsonSerializer.Deserialize(text, Worker.WorkerJsonContext.Default.String));
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    // A string value arrives as itself; a value the host serialized as JSON (a quoted string) is unquoted.
    private static string? Text(IReadOnlyDictionary<string, object?> bindingData, string name)
    {
        if (!bindingData.TryGetValue(name, out var value) || value is null)
        {
            return null;
        }

        var text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture);
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private readonly record struct BlobTriggerProperties(string? ETag, long? Size, string? ContentType, string? Version, DateTimeOffset? LastModified);
}
