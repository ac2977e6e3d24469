namespace Portable.Core.Http;

/// <summary>
/// One method and template, and how its handler is found in a host's services. <paramref name="BindHandler"/>
/// runs once per host (not per request): a handler type is resolved from the container once and kept.
/// </summary>
/// <param name="Method">The upper-case method.</param>
/// <param name="Template">The route template, e.g. <c>/items/{id}</c>.</param>
/// <param name="BindHandler">Resolves the handler from the host's services.</param>
public sealed record HttpRoute(string Method, RouteTemplate Template, Func<IServiceProvider, HttpHandler> BindHandler);
