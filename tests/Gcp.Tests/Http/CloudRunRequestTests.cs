using Microsoft.AspNetCore.Http;
using Portable.Gcp.Http;

namespace Portable.Gcp.Tests.Http;

public sealed class CloudRunRequestTests
{
    [Theory]
    [InlineData("/favicon.ico", true)]
    [InlineData("/robots.txt", true)]
    [InlineData("/ROBOTS.TXT", true)]
    [InlineData("/favicon.ico/x", true)]
    [InlineData("/favicon.icon", false)]
    [InlineData("/items", false)]
    [InlineData("/", false)]
    public void IsReserved_Path_MatchesFunctionsFramework(string path, bool reserved)
    {
        Assert.Equal(reserved, CloudRunRequest.IsReserved(new PathString(path)));
    }

    [Fact]
    public void ReadInvocationInfo_PlatformHeaders_FillsIdAndTraceContext()
    {
        var headers = new HeaderDictionary
        {
            ["Function-Execution-Id"] = "exec-1",
            ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["X-Cloud-Trace-Context"] = "0af7651916cd43dd8448eb211c80319c/1;o=1",
        };

        var info = CloudRunRequest.ReadInvocationInfo(headers);

        Assert.Equal("exec-1", info.InvocationId);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", info.TraceParent);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c/1;o=1", info.PlatformTraceId);
        Assert.Null(info.Deadline);
    }

    [Fact]
    public void ReadInvocationInfo_NoHeaders_LeavesEverythingForCoreToFill()
    {
        var info = CloudRunRequest.ReadInvocationInfo(new HeaderDictionary { ["Function-Execution-Id"] = " " });

        Assert.Null(info.InvocationId);
        Assert.Null(info.TraceParent);
        Assert.Null(info.PlatformTraceId);
    }
}
