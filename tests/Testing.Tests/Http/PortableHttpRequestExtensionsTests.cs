using System.Text;

namespace Portable.Testing.Tests.Http;

public sealed class PortableHttpRequestExtensionsTests
{
    [Fact]
    public async Task ToHttpRequestMessage_CarriesMethodTargetHeadersAndBody()
    {
        var request = HttpRequestBuilder.Post("/orders?dry=1").WithHeader("X-Tag", "a").WithJson("""{"a":1}""").Build();

        using var message = request.ToHttpRequestMessage(new Uri("http://127.0.0.1:8080"));

        Assert.Equal(HttpMethod.Post, message.Method);
        Assert.Equal("http://127.0.0.1:8080/orders?dry=1", message.RequestUri!.ToString());
        Assert.Equal(["a"], message.Headers.GetValues("X-Tag"));
        Assert.Equal("application/json", message.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(await message.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public void ToHttpRequestMessage_NoBaseAddress_IsRelative()
    {
        using var message = HttpRequestBuilder.Get("/a").Build().ToHttpRequestMessage();

        Assert.False(message.RequestUri!.IsAbsoluteUri);
        Assert.Null(message.Content);
    }
}
