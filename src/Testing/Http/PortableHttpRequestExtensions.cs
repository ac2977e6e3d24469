using Portable.Core.Http;

namespace Portable.Testing;

/// <summary>Sends a neutral request (one the kit built for a platform, say) to a real server under test.</summary>
public static class PortableHttpRequestExtensions
{
    /// <summary>
    /// The same request as an <see cref="HttpRequestMessage"/> for <see cref="HttpClient"/>: method, path and query
    /// (relative, or against <paramref name="baseAddress"/>), headers (content headers on the content) and body.
    /// </summary>
    public static HttpRequestMessage ToHttpRequestMessage(this PortableHttpRequest request, Uri? baseAddress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.QueryString.Length > 0 ? $"{request.Path}?{request.QueryString}" : request.Path;
        var message = new HttpRequestMessage(
            new HttpMethod(request.Method),
            baseAddress is null ? new Uri(target, UriKind.Relative) : new Uri(baseAddress, target));
        if (!request.Body.IsEmpty || request.ContentType is not null)
        {
            message.Content = new ReadOnlyMemoryContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ReadOnlyMemoryContent(ReadOnlyMemory<byte>.Empty);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }
}
