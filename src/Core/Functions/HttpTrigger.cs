using Portable.Core.Http;

namespace Portable.Core.Functions;

/// <summary>An HTTP-triggered function: one or more routes, each with its own handler.</summary>
public sealed record HttpTrigger(IReadOnlyList<HttpRoute> Routes) : FunctionTrigger
{
    /// <summary>Every method the function answers, upper-case and sorted.</summary>
    public IReadOnlyList<string> Methods => [.. Routes.Select(r => r.Method).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <inheritdoc />
    public override string Kind => "http";

    /// <inheritdoc />
    public override FunctionExecutionDelegate Bind(IServiceProvider services)
    {
        var routes = new HttpRoute[Routes.Count];
        var handlers = new HttpHandler[Routes.Count];
        for (var i = 0; i < routes.Length; i++)
        {
            routes[i] = Routes[i];
            handlers[i] = Routes[i].BindHandler(services);
        }

        return context =>
        {
            var route = context.Features.Get<RouteMatch>()?.Route
                ?? throw new InvalidOperationException($"HTTP function '{context.FunctionName}' was invoked without a matched route.");
            for (var i = 0; i < routes.Length; i++)
            {
                if (ReferenceEquals(routes[i], route))
                {
                    return SetResultAsync(context, handlers[i]((PortableHttpRequest)context.Input, context, context.CancellationToken));
                }
            }

            throw new InvalidOperationException($"Route {route.Method} {route.Template} is not one of function '{context.FunctionName}'.");
        };
    }
}
