namespace Portable.Core.Http;

/// <summary>The invocation feature an HTTP invocation carries: the route the router matched.</summary>
/// <param name="Route">The matched route (its method, template and handler).</param>
public sealed record RouteMatch(HttpRoute Route);
