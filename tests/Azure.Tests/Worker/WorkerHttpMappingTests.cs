using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portable.Azure.Worker;
using Portable.Core.Http;

namespace Portable.Azure.Tests.Worker;

public class WorkerHttpMappingTests
{
    private static readonly TestFunctionContext Context = new(new TestFunctionDefinition("items-api", ManifestFunction.EntryPoint), new ServiceCollection().BuildServiceProvider());

    [Fact]
    public void ToPortable_RequestAsTheHostSendsIt_MapsMethodPathQueryHeadersAndBody()
    {
        var headers = new Dictionary<string, IEnumerable<string>>
        {
            ["content-type"] = ["application/json"],
            ["x-multi"] = ["a", "b"],
        };

        var request = WorkerHttpMapping.ToPortable("post", new Uri("http://localhost:7071/items/42?limit=5&tag=a%20b"), headers, "{\"n\":1}"u8.ToArray(), routePrefix: "");

        Assert.Equal("POST", request.Method);
        Assert.Equal("/items/42", request.Path);
        Assert.Equal("limit=5&tag=a%20b", request.QueryString);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal(["a", "b"], request.Headers.GetValues("X-Multi"));
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(request.Body.Span));
    }

    [Theory]
    [InlineData("http://h/api/items", "api", "/items")]
    [InlineData("http://h/api", "api", "/")]
    [InlineData("http://h/apiary/items", "api", "/apiary/items")]
    [InlineData("http://h/", "", "/")]
    public void ToPortable_RoutePrefix_StrippedOnASegmentBoundary(string url, string prefix, string path) =>
        Assert.Equal(path, WorkerHttpMapping.ToPortable("GET", new Uri(url), [], ReadOnlyMemory<byte>.Empty, prefix).Path);

    [Fact]
    public async Task ReadRequestAsync_BodyOverTheLimit_ReadsOneByteMoreSoCoreAnswers413()
    {
        var request = new TestHttpRequestData(Context, "PUT", new Uri("http://h/items/1"), new byte[100]);

        var portable = await WorkerHttpMapping.ReadRequestAsync(request, maxBodyBytes: 10, routePrefix: "", CancellationToken.None);

        Assert.Equal(11, portable.Body.Length);
    }

    [Fact]
    public async Task ReadRequestAsync_BodyWithinTheLimit_ReadWhole()
    {
        var request = new TestHttpRequestData(Context, "POST", new Uri("http://h/items"), "{\"name\":\"x\"}"u8.ToArray());
        request.Headers.Add("Content-Type", "application/json");

        var portable = await WorkerHttpMapping.ReadRequestAsync(request, maxBodyBytes: 1024, routePrefix: "", CancellationToken.None);

        Assert.Equal("{\"name\":\"x\"}", Encoding.UTF8.GetString(portable.Body.Span));
        Assert.Equal("application/json", portable.ContentType);
    }

    [Fact]
    public async Task WriteResponseAsync_NeutralResponse_StatusHeadersAndBodyCopied()
    {
        var target = new TestHttpResponseData(Context);
        var response = PortableHttpResponse.Error(405, "Method DELETE is not allowed on /items.", null, new HeaderMap.Builder().Add("Allow", "GET").Add("Allow", "POST"));

        await WorkerHttpMapping.WriteResponseAsync(response, target, CancellationToken.None);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, target.StatusCode);
        Assert.Equal([PortableHttpResponse.JsonContentType], target.Headers.GetValues("Content-Type"));
        Assert.Equal(["GET", "POST"], target.Headers.GetValues("Allow"));
        Assert.Equal(response.Body.ToArray(), ((MemoryStream)target.Body).ToArray());
    }

    [Fact]
    public async Task WriteResponseAsync_FramingHeaders_LeftToTheHost()
    {
        var target = new TestHttpResponseData(Context);
        var response = PortableHttpResponse.Empty(204, new HeaderMap.Builder().Add("Content-Length", "0").Add("ETag", "\"v1\"").Build());

        await WorkerHttpMapping.WriteResponseAsync(response, target, CancellationToken.None);

        Assert.Equal(HttpStatusCode.NoContent, target.StatusCode);
        Assert.False(target.Headers.Contains("Content-Length"));
        Assert.Equal(["\"v1\""], target.Headers.GetValues("ETag"));
        Assert.Equal(0, target.Body.Length);
    }
}
