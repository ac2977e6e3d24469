using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Portable.Core.Http;

namespace Portable.Testing;

/// <summary>
/// Builds the neutral <see cref="PortableHttpRequest"/> every adapter hands Core: method, path and query, headers,
/// a JSON (or any) body and, for a handler called without the router, route values.
/// <code>
/// var request = HttpRequestBuilder.Post("/orders?dryRun=true").WithJson("""{"sku":"a-1"}""").WithHeader("Idempotency-Key", "k1").Build();
/// </code>
/// </summary>
public sealed class HttpRequestBuilder
{
    private readonly string _method;
    private readonly string _path;
    private readonly StringBuilder _query;
    private readonly HeaderMap.Builder _headers = new();
    private readonly Dictionary<string, string> _routeValues = new(StringComparer.Ordinal);
    private ReadOnlyMemory<byte> _body;

    /// <summary>Starts a request.</summary>
    /// <param name="method">The method; sent upper-case.</param>
    /// <param name="pathAndQuery">The path, starting with '/', with an optional <c>?query</c> (kept as written, percent-encoding and all).</param>
    public HttpRequestBuilder(string method, string pathAndQuery)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        if (pathAndQuery[0] != '/')
        {
            throw new ArgumentException($"The path must start with '/': '{pathAndQuery}'.", nameof(pathAndQuery));
        }

        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        _method = method.ToUpperInvariant();
        _path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        _query = new StringBuilder(q < 0 ? string.Empty : pathAndQuery[(q + 1)..]);
    }

    /// <summary>A <c>GET</c> request.</summary>
    public static HttpRequestBuilder Get(string pathAndQuery) => new("GET", pathAndQuery);

    /// <summary>A <c>POST</c> request.</summary>
    public static HttpRequestBuilder Post(string pathAndQuery) => new("POST", pathAndQuery);

    /// <summary>A <c>PUT</c> request.</summary>
    public static HttpRequestBuilder Put(string pathAndQuery) => new("PUT", pathAndQuery);

    /// <summary>A <c>PATCH</c> request.</summary>
    public static HttpRequestBuilder Patch(string pathAndQuery) => new("PATCH", pathAndQuery);

    /// <summary>A <c>DELETE</c> request.</summary>
    public static HttpRequestBuilder Delete(string pathAndQuery) => new("DELETE", pathAndQuery);

    /// <summary>Appends <c>name=value</c> to the query string, percent-encoding both.</summary>
    public HttpRequestBuilder WithQuery(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (_query.Length > 0)
        {
            _query.Append('&');
        }

        _query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        return this;
    }

    /// <summary>Adds a header value; a name added twice carries both values, as a repeated header does.</summary>
    public HttpRequestBuilder WithHeader(string name, string value)
    {
        _headers.Add(name, value);
        return this;
    }

    /// <summary>Sets the body to <paramref name="json"/> (UTF-8) and <c>Content-Type</c> to <c>application/json</c>.</summary>
    public HttpRequestBuilder WithJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return WithBody(Encoding.UTF8.GetBytes(json), "application/json");
    }

    /// <summary>Sets the body to <paramref name="value"/> serialised with a source-generated <paramref name="typeInfo"/>, as JSON.</summary>
    public HttpRequestBuilder WithJson<T>(T value, JsonTypeInfo<T> typeInfo) =>
        WithBody(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), "application/json");

    /// <summary>Sets the body to <paramref name="text"/> (UTF-8) with <paramref name="contentType"/>.</summary>
    public HttpRequestBuilder WithText(string text, string contentType = "text/plain; charset=utf-8")
    {
        ArgumentNullException.ThrowIfNull(text);
        return WithBody(Encoding.UTF8.GetBytes(text), contentType);
    }

    /// <summary>Sets the body bytes and, when given, the <c>Content-Type</c>.</summary>
    public HttpRequestBuilder WithBody(ReadOnlyMemory<byte> body, string? contentType)
    {
        _body = body;
        if (contentType is not null)
        {
            _headers.Set("Content-Type", contentType);
        }

        return this;
    }

    /// <summary>
    /// Sets a route value, as the router would capture it from the template (<c>id</c> for <c>/items/{id}</c>). Only
    /// for calling a handler directly: a request sent through a host is routed, and the router's values replace these.
    /// </summary>
    public HttpRequestBuilder WithRouteValue(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _routeValues[name] = value;
        return this;
    }

    /// <summary>The request.</summary>
    public PortableHttpRequest Build()
    {
        var request = new PortableHttpRequest
        {
            Method = _method,
            Path = _path,
            QueryString = _query.ToString(),
            Headers = _headers.Build(),
            Body = _body,
        };
        return _routeValues.Count == 0 ? request : request with { RouteValues = new Dictionary<string, string>(_routeValues, StringComparer.Ordinal) };
    }
}
