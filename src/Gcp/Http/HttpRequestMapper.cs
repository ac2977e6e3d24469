using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Gcp.Triggers;
using Portable.Hosting;

namespace Portable.Gcp.Http;

/// <summary>
/// HTTP functions on Cloud Run: the request in as a neutral request (<see cref="AspNetCoreBridge"/>), through
/// <see cref="HttpInvoker"/>, whose router picks the function and route from the manifest (404, 405 with
/// <c>Allow</c>), and the neutral response out. One endpoint serves every HTTP function.
/// </summary>
internal sealed class HttpRequestMapper : CloudRunTriggerMapper<HttpTrigger>
{
    /// <inheritdoc />
    public override string Description => "HTTP (requests to the functions' routes)";

    /// <inheritdoc />
    protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, HttpTrigger Trigger)> functions, IServiceProvider services, ILogger log)
    {
        var invoker = services.GetRequiredService<HttpInvoker>();
        return [CloudRunRoute.ByHttpRoutes((context, info) => AspNetCoreBridge.HandleAsync(context, invoker, info))];
    }
}
