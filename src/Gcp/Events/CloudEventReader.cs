using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Portable.Gcp.Events;

/// <summary>Which request form carried a CloudEvent.</summary>
internal enum CloudEventFormat
{
    /// <summary>CloudEvents HTTP binding, binary content mode: <c>ce-*</c> headers, body = data.</summary>
    Binary,

    /// <summary>CloudEvents HTTP binding, structured content mode: <c>application/cloudevents+json</c>.</summary>
    Structured,

    /// <summary>A legacy Cloud Functions background event (or a raw Pub/Sub push) converted by <see cref="LegacyEventConverter"/>.</summary>
    Legacy,
}

/// <summary>
/// Steps 1 and 2 for CloudEvent functions on Cloud Run: reads a request in any of the three forms the Functions
/// Framework accepts (FF-dotnet <c>CloudEventAdapter</c>; conformance <c>docs/mapping.md</c>) into one
/// <see cref="CloudEvent"/>: structured mode for <c>application/cloudevents+json</c>, binary mode when
/// <c>ce-specversion</c> is present, and any other <c>application/json</c> body as a legacy event. Anything it cannot
/// read comes back as an error message fit for a 400 body; it never throws for what the client sent.
/// </summary>
internal static class CloudEventReader
{
    private const string HeaderPrefix = "ce-";

    /// <summary>Reads one event from a request's content type, headers, body and path.</summary>
    public static bool TryRead(
        string? contentType,
        IHeaderDictionary headers,
        ReadOnlySpan<byte> body,
        string? path,
        [NotNullWhen(true)] out CloudEvent? cloudEvent,
        out CloudEventFormat format,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(headers);
        // The structured media type wins over stray ce- headers (HTTP binding 3.1: the content type decides the mode).
        var mediaType = MediaType(contentType);
        if (string.Equals(mediaType, CloudEventJson.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            format = CloudEventFormat.Structured;
            return TryReadStructured(body, out cloudEvent, out error);
        }

        if (headers.ContainsKey("ce-specversion"))
        {
            format = CloudEventFormat.Binary;
            return TryReadBinary(contentType, headers, body, out cloudEvent, out error);
        }

        if (string.Equals(mediaType, "application/cloudevents-batch+json", StringComparison.OrdinalIgnoreCase))
        {
            format = CloudEventFormat.Structured;
            cloudEvent = null;
            error = "CloudEvents batch mode is not supported: send one event per request.";
            return false;
        }

        format = CloudEventFormat.Legacy;
        if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            cloudEvent = null;
            error = $"The request is not a CloudEvent: expected ce-* headers (binary mode), Content-Type {CloudEventJson.MediaType} (structured mode) " +
                $"or an application/json legacy event, got Content-Type '{contentType}'.";
            return false;
        }

        return LegacyEventConverter.TryConvert(body, path, out cloudEvent, out error);
    }

    /// <summary>Binary mode: the attributes are <c>ce-</c> headers (values percent-encoded, CloudEvents HTTP binding 3.1.3.2), <c>Content-Type</c> is <c>datacontenttype</c>.</summary>
    private static bool TryReadBinary(string? contentType, IHeaderDictionary headers, ReadOnlySpan<byte> body, [NotNullWhen(true)] out CloudEvent? cloudEvent, [NotNullWhen(false)] out string? error)
    {
        cloudEvent = null;
        string? specVersion = null, id = null, source = null, type = null, subject = null, time = null, dataSchema = null;
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in headers)
        {
            if (!key.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase) || key.Length == HeaderPrefix.Length)
            {
                continue;
            }

            var name = key[HeaderPrefix.Length..].ToLowerInvariant();
            var value = PercentDecode(values.ToString());
            switch (name)
            {
                case "specversion": specVersion = value; break;
                case "id": id = value; break;
                case "source": source = value; break;
                case "type": type = value; break;
                case "subject": subject = value; break;
                case "time": time = value; break;
                case "dataschema": dataSchema = value; break;
                case "datacontenttype": break; // Content-Type carries it in binary mode.
                default: extensions[name] = value; break;
            }
        }

        if (!TryCheckRequired(specVersion, id, source, type, out error) || !TryParseTime(time, out var parsedTime, out error))
        {
            return false;
        }

        cloudEvent = new CloudEvent
        {
            Id = id!,
            Source = source!,
            Type = type!,
            Subject = subject,
            Time = parsedTime,
            DataContentType = string.IsNullOrEmpty(contentType) ? null : contentType,
            DataSchema = dataSchema,
            Data = body.ToArray(),
            Extensions = extensions,
        };
        return true;
    }

    /// <summary>Structured mode: the whole event is one JSON object (CloudEvents JSON format 1.0).</summary>
    private static bool TryReadStructured(ReadOnlySpan<byte> body, [NotNullWhen(true)] out CloudEvent? cloudEvent, [NotNullWhen(false)] out string? error)
    {
        cloudEvent = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            error = $"The structured CloudEvent is not JSON: {ex.Message}";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"The structured CloudEvent must be a JSON object, not {root.ValueKind}.";
                return false;
            }

            string? specVersion = null, id = null, source = null, type = null, subject = null, time = null, dataContentType = null, dataSchema = null, dataBase64 = null;
            JsonElement? data = null;
            var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                var name = property.Name;
                var value = property.Value;
                if (name == "data")
                {
                    data = value;
                    continue;
                }

                if (value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (name is "specversion" or "id" or "source" or "type" or "subject" or "time" or "datacontenttype" or "dataschema" or "data_base64"
                    && value.ValueKind != JsonValueKind.String)
                {
                    error = $"The CloudEvent attribute '{name}' must be a string, not {value.ValueKind}.";
                    return false;
                }

                switch (name)
                {
                    case "specversion": specVersion = value.GetString(); break;
                    case "id": id = value.GetString(); break;
                    case "source": source = value.GetString(); break;
                    case "type": type = value.GetString(); break;
                    case "subject": subject = value.GetString(); break;
                    case "time": time = value.GetString(); break;
                    case "datacontenttype": dataContentType = value.GetString(); break;
                    case "dataschema": dataSchema = value.GetString(); break;
                    case "data_base64": dataBase64 = value.GetString(); break;
                    default:
                        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        {
                            error = $"The CloudEvent extension '{name}' must be a string, number or boolean.";
                            return false;
                        }

                        extensions[name] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
                        break;
                }
            }

            if (!TryCheckRequired(specVersion, id, source, type, out error) || !TryParseTime(time, out var parsedTime, out error))
            {
                return false;
            }

            if (data is { ValueKind: not JsonValueKind.Null } && dataBase64 is not null)
            {
                error = "The CloudEvent has both data and data_base64; it may carry only one.";
                return false;
            }

            byte[] bytes = [];
            if (dataBase64 is not null)
            {
                try
                {
                    bytes = Convert.FromBase64String(dataBase64);
                }
                catch (FormatException)
                {
                    error = "The CloudEvent's data_base64 is not valid base64.";
                    return false;
                }
            }
            else if (data is { ValueKind: not JsonValueKind.Null } element)
            {
                // JSON data is kept as JSON; a string under a non-JSON media type is that text (JSON format 3.1).
                bytes = element.ValueKind == JsonValueKind.String && !CloudEvent.IsJsonMediaTypeOrAbsent(dataContentType)
                    ? Encoding.UTF8.GetBytes(element.GetString()!)
                    : Encoding.UTF8.GetBytes(element.GetRawText());
            }

            cloudEvent = new CloudEvent
            {
                Id = id!,
                Source = source!,
                Type = type!,
                Subject = subject,
                Time = parsedTime,
                DataContentType = dataContentType,
                DataSchema = dataSchema,
                Data = bytes,
                Extensions = extensions,
            };
            error = null;
            return true;
        }
    }

    private static bool TryCheckRequired(string? specVersion, string? id, string? source, string? type, [NotNullWhen(false)] out string? error)
    {
        if (specVersion != CloudEvent.SpecVersion10)
        {
            error = specVersion is null
                ? "The CloudEvent has no specversion."
                : $"CloudEvents specversion '{specVersion}' is not supported ({CloudEvent.SpecVersion10} is).";
            return false;
        }

        var missing = string.IsNullOrEmpty(id) ? "id" : string.IsNullOrEmpty(source) ? "source" : string.IsNullOrEmpty(type) ? "type" : null;
        if (missing is not null)
        {
            error = $"The CloudEvent lacks its required '{missing}' attribute (id, source and type must all be set).";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Parses an RFC 3339 time (CloudEvents <c>time</c>); absent is fine, unreadable is an error.</summary>
    internal static bool TryParseTime(string? text, out DateTimeOffset? time, [NotNullWhen(false)] out string? error)
    {
        error = null;
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        time = PubSubPushReader.ParseTimestamp(text);
        if (time is null)
        {
            error = $"The CloudEvent time '{text}' is not an RFC 3339 timestamp.";
            return false;
        }

        return true;
    }

    /// <summary>Header values are percent-encoded where they are not printable ASCII (CloudEvents HTTP binding 3.1.3.2).</summary>
    private static string PercentDecode(string value) =>
        value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;

    private static string? MediaType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType : null;
}
