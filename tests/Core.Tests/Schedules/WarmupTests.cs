using System.Text;
using Portable.Core.Invocation;

namespace Portable.Core.Tests.Schedules;

public sealed class WarmupTests
{
    [Theory]
    [InlineData("""{"warmer":true}""")]
    [InlineData("""{ "warmer" : true, "concurrency": 3 }""")]
    [InlineData("""{"source":"scheduler","detail":{"warmer":false},"warmer":true}""")]
    [InlineData("  {\n  \"warmer\": true\n}\n")]
    public void IsWarmer_WarmerTrueAtTopLevel_IsTrue(string payload)
    {
        Assert.True(Warmup.IsWarmer(Encoding.UTF8.GetBytes(payload)));
    }

    [Theory]
    [InlineData("""{"warmer":false}""")]
    [InlineData("""{"warmer":"true"}""")]
    [InlineData("""{"warmer":1}""")]
    [InlineData("""{"detail":{"warmer":true}}""")]
    [InlineData("""[{"warmer":true}]""")]
    [InlineData("""{"id":"order-1","note":"warmer"}""")]
    [InlineData("""{"warmer":tru""")]
    [InlineData("""not json but "warmer" anyway""")]
    [InlineData("""{"source":"aws.events","detail-type":"Scheduled Event"}""")]
    [InlineData("")]
    public void IsWarmer_AnythingElse_IsFalse(string payload)
    {
        Assert.False(Warmup.IsWarmer(Encoding.UTF8.GetBytes(payload)));
    }
}
