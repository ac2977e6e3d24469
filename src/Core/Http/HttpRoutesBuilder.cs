using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;

namespace Portable.Core.Http;

/// <summary>Adds routes to an HTTP function in the manifest.</summary>
public sealed class HttpRoutesBuilder
{
    internal List<HttpRoute> Routes { get; } = [];

    /// <summary>Maps <paramref name="method"/> <paramref name="template"/> to a handler delegate.</summary>
    public HttpRoutesBuilder Map(string method, string template, HttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(method, template, _ => handler);
    }

    /// <summary>Maps <paramref name="method"/> <paramref name="template"/> to a handler resolved once per host.</summary>
    public HttpRoutesBuilder Map(string method, string template, Func<IServiceProvider, HttpHandler> bindHandler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(bindHandler);
        Routes.Add(new HttpRoute(method.ToUpperInvariant(), RouteTemplate.Parse(template), bindHandler));
        return this;
    }

    /// <summary>
    /// Maps a route to a method of <typeparamref name="TApi"/>, resolved from the host's services once (a singleton
    /// built once per process) when the host binds the function.
    /// </summary>
    public HttpRoutesBuilder Map<TApi>(string method, string template, Func<TApi, PortableHttpRequest, FunctionContext, CancellationToken, ValueTask<PortableHttpResponse>> handler)
        where TApi : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(method, template, services =>
        {
            var api = services.GetRequiredService<TApi>();
            return (request, context, ct) => handler(api, request, context, ct);
        });
    }

    /// <summary>Maps a route to an <see cref="IHttpFunction"/> resolved from the host's services.</summary>
    public HttpRoutesBuilder MapFunction<TFunction>(string method, string template)
        where TFunction : IHttpFunction =>
        Map(method, template, static services => services.GetRequiredService<TFunction>().HandleAsync);
}
