using System.Text.Json;
using Portable.Aws.Runtime;

namespace Portable.Aws.Tests.Runtime;

public class LambdaErrorTests
{
    [Fact]
    public void ToJson_Error_WritesDocumentedShape()
    {
        using var json = JsonDocument.Parse(new LambdaError("Runtime.UnsupportedEvent", "say \"why\"").ToJson());

        Assert.Equal("say \"why\"", json.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal("Runtime.UnsupportedEvent", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("stackTrace").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("stackTrace").GetArrayLength());
    }
}
