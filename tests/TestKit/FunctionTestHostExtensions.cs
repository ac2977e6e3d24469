using System.Text;
using Portable.Core.Http;
using Portable.Testing;

namespace Portable.TestKit;

/// <summary>The terse request form the project's own tests use with the kit's <see cref="FunctionTestHost"/>.</summary>
public static class FunctionTestHostExtensions
{
    /// <summary>
    /// Sends <paramref name="method"/> <paramref name="pathAndQuery"/> with an optional JSON body (as
    /// <c>application/json</c> unless <paramref name="headers"/> names another <c>Content-Type</c>) and headers.
    /// </summary>
    public static ValueTask<PortableHttpResponse> SendAsync(
        this FunctionTestHost host, string method, string pathAndQuery, string? json = null, params (string Name, string Value)[] headers)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(headers);
        var request = new HttpRequestBuilder(method, pathAndQuery);
        var contentType = headers.LastOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        if (json is not null)
        {
            request.WithBody(Encoding.UTF8.GetBytes(json), contentType ?? "application/json");
        }
        else if (contentType is not null)
        {
            request.WithHeader("Content-Type", contentType);
        }

        foreach (var (name, value) in headers.Where(h => !h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            request.WithHeader(name, value);
        }

        return host.SendAsync(request);
    }
}
