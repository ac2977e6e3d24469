using Polly;
using Portable.Core.Patterns.Orders;

namespace Portable.Core.Tests.Patterns;

/// <summary>The client's own rules; its calls over real HTTP are tested against the local host (Local.Tests.Payments).</summary>
public sealed class HttpPaymentServiceTests
{
    [Fact]
    public void Constructor_NotAnHttpAddress_Refused()
    {
        using var http = new HttpClient();

        var fault = Assert.Throws<ArgumentException>(() => new HttpPaymentService(http, new Uri("file:///tmp/payments"), ResiliencePipeline.Empty, TimeProvider.System));

        Assert.Contains("absolute http:// or https:// URL, not 'file:///tmp/payments'", fault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:8080/_local/payments", "http://localhost:8080/_local/payments/")]
    [InlineData("https://pay.example.com/v1/", "https://pay.example.com/v1/")]
    [InlineData("https://pay.example.com", "https://pay.example.com/")]
    public void Constructor_BaseAddress_PathsGoUnderIt(string given, string expected)
    {
        using var http = new HttpClient();

        Assert.Equal(new Uri(expected), new HttpPaymentService(http, new Uri(given), ResiliencePipeline.Empty, TimeProvider.System).BaseAddress);
    }
}
