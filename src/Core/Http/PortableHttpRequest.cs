namespace Portable.Core.Http;

/// <summary>
/// A provider-neutral HTTP request: what every adapter builds from its platform's envelope.
/// <see cref="Path"/> is the path the caller used, without stage prefixes or query string.
/// </summary>
public sealed record PortableHttpRequest
{
    private QueryValues? _query;

    /// <summary>The method, upper-case.</summary>
    public required string Method { get; init; }

    /// <summary>The path, starting with '/', percent-encoded as received.</summary>
    public required string Path { get; init; }

    /// <summary>The raw query string without the leading '?' (empty when there is none).</summary>
    public string QueryString { get; init; } = string.Empty;

    /// <summary>The request headers.</summary>
    public HeaderMap Headers { get; init; } = HeaderMap.Empty;

    /// <summary>The request body (empty when there is none).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Values the router captured from the route template, e.g. <c>id</c> for <c>/items/{id}</c>.</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; init; } = EmptyRouteValues;

    /// <summary>The query string parsed once, on first use.</summary>
    public QueryValues Query => _query ??= QueryValues.Parse(QueryString);

    /// <summary>The <c>Content-Type</c> header, if any.</summary>
    public string? ContentType => Headers["Content-Type"];

    private static readonly IReadOnlyDictionary<string, string> EmptyRouteValues = new Dictionary<string, string>();
}
