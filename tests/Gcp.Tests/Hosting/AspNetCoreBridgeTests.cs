using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portable.Core.Http;
using Portable.Hosting;

namespace Portable.Gcp.Tests.Hosting;

/// <summary>The shared ASP.NET Core bridge (src/Hosting) on DefaultHttpContext, as Cloud Run's host uses it.</summary>
public sealed class AspNetCoreBridgeTests
{
    [Fact]
    public async Task ReadRequestAsync_ServerSaysNoBody_NeverReadsTheBodyStream()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/items";
        context.Request.Body = new UnreadableStream();
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(canHaveBody: false));

        var request = await AspNetCoreBridge.ReadRequestAsync(context, 1024);

        Assert.True(request.Body.IsEmpty);
        Assert.Equal("/items", request.Path);
    }

    [Fact]
    public async Task ReadRequestAsync_Request_MapsMethodPathQueryAndEveryHeaderValue()
    {
        var context = Post("{}");
        context.Request.Method = "patch";
        context.Request.PathBase = "/base";
        context.Request.Path = "/items/a b";
        context.Request.QueryString = new QueryString("?limit=1");
        context.Request.Headers["X-Many"] = new Microsoft.Extensions.Primitives.StringValues(["a", "b"]);

        var request = await AspNetCoreBridge.ReadRequestAsync(context, 1024);

        Assert.Equal("PATCH", request.Method);
        Assert.Equal("/base/items/a%20b", request.Path);
        Assert.Equal("limit=1", request.QueryString);
        Assert.Equal(["a", "b"], request.Headers.GetValues("x-many"));
        Assert.Equal("{}", Encoding.UTF8.GetString(request.Body.Span));
    }

    [Fact]
    public async Task ReadRequestAsync_PathOverride_IsUsed()
    {
        var context = Post("{}");
        context.Request.Path = "/api/items";

        Assert.Equal("/items", (await AspNetCoreBridge.ReadRequestAsync(context, 1024, "/items")).Path);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadBodyAsync_WithinLimit_ReadsAllOfIt(bool declared)
    {
        var bytes = Enumerable.Range(0, 40_000).Select(i => (byte)i).ToArray();

        var body = await AspNetCoreBridge.ReadBodyAsync(new TrickleStream(bytes), declared ? bytes.Length : null, 64 * 1024, CancellationToken.None);

        Assert.Equal(bytes, body.ToArray());
    }

    [Fact]
    public async Task ReadBodyAsync_DeclaredOverLimit_StandsInLimitPlusOneWithoutReading()
    {
        var body = await AspNetCoreBridge.ReadBodyAsync(new UnreadableStream(), 2048, 1024, CancellationToken.None);

        Assert.Equal(1025, body.Length);
    }

    [Fact]
    public async Task ReadBodyAsync_UndeclaredOverLimit_StopsAtLimitPlusOne()
    {
        var body = await AspNetCoreBridge.ReadBodyAsync(new TrickleStream(new byte[5000]), null, 1024, CancellationToken.None);

        Assert.Equal(1025, body.Length);
    }

    [Fact]
    public async Task WriteResponseAsync_Response_SetsStatusHeadersAndBodyButNotFraming()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var headers = new HeaderMap.Builder().Add("Set-Cookie", "a=1").Add("Set-Cookie", "b=2").Add("Content-Length", "999").Add("X-One", "1").Build();
        var response = PortableHttpResponse.Empty(201, headers) with { Body = "hi"u8.ToArray() };

        await AspNetCoreBridge.WriteResponseAsync(context, response);

        Assert.Equal(201, context.Response.StatusCode);
        Assert.Equal("a=1,b=2", context.Response.Headers.SetCookie.ToString());
        Assert.Equal("1", context.Response.Headers["X-One"].ToString());
        Assert.Equal(2, context.Response.ContentLength);
        Assert.Equal("hi", Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    private static DefaultHttpContext Post(string body)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return context;
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => canHaveBody;
    }

    /// <summary>A body the bridge must not read.</summary>
    private sealed class UnreadableStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("The body was read.");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new InvalidOperationException("The body was read.");
    }

    /// <summary>A body that arrives a little at a time, as from a socket.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1000)], cancellationToken);
    }
}
