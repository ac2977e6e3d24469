using System.Text.Json;
using Portable.Compare.Scenarios;

namespace Portable.Compare;

/// <summary>
/// The deployed front doors of a <c>--live</c> run, read from a JSON file naming each host's base URL:
/// <c>{"aws": "https://abc123.execute-api.eu-west-1.amazonaws.com", "gcp": "https://items-api-xyz-ew.a.run.app",
/// "azure": "https://portable-app.azurewebsites.net"}</c> (and <c>"local"</c>, for a host on this machine). A REST
/// API's URL includes its stage (<c>…/prod</c>).
/// </summary>
public static class LiveTargets
{
    /// <summary>Reads the file; every key a host, every value an absolute http(s) URL.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="CompareUsageException">The file is missing, not a JSON object, names an unknown host, or a URL is not absolute http(s).</exception>
    public static IReadOnlyDictionary<string, Uri> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new CompareUsageException($"No targets file at {Path.GetFullPath(path)}.");
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new CompareUsageException($"{path} is not JSON: {ex.Message}");
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CompareUsageException($"{path} must be a JSON object of host → URL, e.g. {{\"aws\": \"https://abc.execute-api.us-east-1.amazonaws.com\"}}.");
            }

            var targets = new Dictionary<string, Uri>(StringComparer.Ordinal);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (!CompareHosts.All.Contains(property.Name))
                {
                    throw new CompareUsageException($"{path}: unknown host '{property.Name}' (expected {string.Join(", ", CompareHosts.All)}).");
                }

                if (property.Value.ValueKind != JsonValueKind.String
                    || !Uri.TryCreate(property.Value.GetString(), UriKind.Absolute, out var url)
                    || url.Scheme is not ("http" or "https"))
                {
                    throw new CompareUsageException($"{path}: '{property.Name}' must be an absolute http(s) URL, not {property.Value.GetRawText()}.");
                }

                targets[property.Name] = url;
            }

            return targets.Count > 0 ? targets : throw new CompareUsageException($"{path} names no host.");
        }
    }
}
