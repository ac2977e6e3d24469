using Portable.Core.Functions;

namespace Portable.Core.Http;

/// <summary>Handles one HTTP route: a neutral request in, a neutral response out.</summary>
public delegate ValueTask<PortableHttpResponse> HttpHandler(PortableHttpRequest request, FunctionContext context, CancellationToken cancellationToken);
