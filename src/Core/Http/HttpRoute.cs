using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;

namespace Portable.Core.Http;

/// <summary>Handles one HTTP route: a neutral request in, a neutral response out.</summary>
public delegate ValueTask<PortableHttpResponse> HttpHandler(PortableHttpRequest request, FunctionContext context, CancellationToken cancellationToken);

/// <summary>An HTTP function's handler as a type: one method, no cloud types.</summary>
public interface IHttpFunction
{
    /// <summary>Answers one request.</summary>
    ValueTask<PortableHttpResponse> HandleAsync(PortableHttpRequest request, FunctionContext context, CancellationToken cancellationToken);
}

/// <summary>One method and template, and the handler that answers it.</summary>
public sealed record HttpRoute(string Method, RouteTemplate Template, HttpHandler Handler);

/// <summary>Adds routes to an HTTP function in the manifest.</summary>
public sealed class HttpRoutesBuilder
{
    internal List<HttpRoute> Routes { get; } = [];

    /// <summary>Maps <paramref name="method"/> <paramref name="template"/> to a handler delegate.</summary>
    public HttpRoutesBuilder Map(string method, string template, HttpHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(handler);
        Routes.Add(new HttpRoute(method.ToUpperInvariant(), RouteTemplate.Parse(template), handler));
        return this;
    }

    /// <summary>
    /// Maps a route to a method of <typeparamref name="TApi"/>, resolved from the host's services (a singleton
    /// built once per process).
    /// </summary>
    public HttpRoutesBuilder Map<TApi>(string method, string template, Func<TApi, PortableHttpRequest, FunctionContext, CancellationToken, ValueTask<PortableHttpResponse>> handler)
        where TApi : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(method, template, (request, context, ct) => handler(context.Services.GetRequiredService<TApi>(), request, context, ct));
    }

    /// <summary>Maps a route to an <see cref="IHttpFunction"/> resolved from the host's services.</summary>
    public HttpRoutesBuilder MapFunction<TFunction>(string method, string template)
        where TFunction : IHttpFunction =>
        Map<TFunction>(method, template, static (f, request, context, ct) => f.HandleAsync(request, context, ct));
}
