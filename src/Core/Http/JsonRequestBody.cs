using System.Text.Json;

namespace Portable.Core.Http;

/// <summary>
/// Reads a JSON request body with the project's error rules: a non-JSON content type is a 415, an empty
/// body or malformed JSON a 400 — each with the standard JSON error body.
/// </summary>
public static class JsonRequestBody
{
    /// <summary>True for <c>application/json</c> and any <c>+json</c> media type, parameters ignored.</summary>
    public static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Parses the body into a <see cref="JsonDocument"/> the caller disposes, or returns the error response to send.
    /// </summary>
    public static bool TryParse(PortableHttpRequest request, out JsonDocument document, out PortableHttpResponse error)
    {
        ArgumentNullException.ThrowIfNull(request);
        document = null!;
        error = null!;
        if (request.Body.IsEmpty)
        {
            error = PortableHttpResponse.Error(400, "A JSON request body is required.");
            return false;
        }

        if (!IsJsonContentType(request.ContentType))
        {
            error = PortableHttpResponse.Error(415, $"Content-Type must be application/json, not '{request.ContentType ?? "(none)"}'.");
            return false;
        }

        try
        {
            document = JsonDocument.Parse(request.Body, new JsonDocumentOptions { MaxDepth = 64 });
            return true;
        }
        catch (JsonException ex)
        {
            error = PortableHttpResponse.Error(400, "The request body is not valid JSON.", new Dictionary<string, string> { ["position"] = $"line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}" });
            return false;
        }
    }
}
