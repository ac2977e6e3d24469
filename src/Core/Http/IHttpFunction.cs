using Portable.Core.Functions;

namespace Portable.Core.Http;

/// <summary>An HTTP function's handler as a type: one method, no cloud types.</summary>
public interface IHttpFunction
{
    /// <summary>Answers one request.</summary>
    ValueTask<PortableHttpResponse> HandleAsync(PortableHttpRequest request, FunctionContext context, CancellationToken cancellationToken);
}
