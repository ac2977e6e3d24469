using Portable.Core.Invocation;
using Portable.Gcp.Http;

namespace Portable.Gcp.Tests.Http;

public sealed class CloudTraceTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    [Fact]
    public void TraceId_TraceParent_ReadsW3cTraceId()
    {
        Assert.Equal(TraceId, CloudTrace.TraceId(new InvocationInfo(TraceParent: $"00-{TraceId.ToUpperInvariant()}-b7ad6b7169203331-01")));
    }

    [Theory]
    [InlineData(TraceId + "/13235251171208913713;o=1")]
    [InlineData(TraceId + ";o=1")]
    [InlineData(TraceId)]
    public void TraceId_CloudTraceContext_ReadsTraceId(string header)
    {
        Assert.Equal(TraceId, CloudTrace.TraceId(new InvocationInfo(PlatformTraceId: header)));
    }

    [Fact]
    public void TraceId_MalformedTraceParent_FallsBackToCloudTraceContext()
    {
        Assert.Equal(TraceId, CloudTrace.TraceId(new InvocationInfo(TraceParent: "garbage", PlatformTraceId: TraceId + "/1;o=1")));
    }

    [Theory]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01", null)]
    [InlineData("00-xyz-b7ad6b7169203331-01", "nothex/1")]
    [InlineData(null, "///")]
    [InlineData(null, null)]
    [InlineData("0--0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331", null)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c0-b7ad6b7169203331-01", "0af7651916cd43dd8448eb211c80319/1")]
    public void TraceId_NothingWellFormed_ReturnsNull(string? traceParent, string? cloudTrace)
    {
        Assert.Null(CloudTrace.TraceId(new InvocationInfo(TraceParent: traceParent, PlatformTraceId: cloudTrace)));
    }

    [Fact]
    public void TraceId_UpperCaseCloudTraceContext_IsLowerCased()
    {
        Assert.Equal(TraceId, CloudTrace.TraceId(new InvocationInfo(PlatformTraceId: TraceId.ToUpperInvariant() + "/1;o=1")));
    }

    [Fact]
    public void ResourceName_WithProject_IsQualified()
    {
        Assert.Equal($"projects/demo/traces/{TraceId}", CloudTrace.ResourceName(new InvocationInfo(PlatformTraceId: TraceId), "demo"));
    }

    [Fact]
    public void ResourceName_WithoutProject_IsBareTraceId()
    {
        Assert.Equal(TraceId, CloudTrace.ResourceName(new InvocationInfo(PlatformTraceId: TraceId), null));
    }
}
