using System.Text;
using System.Text.Json.Nodes;
using Portable.Gcp.Events;

namespace Portable.Gcp.Tests.CloudEvents;

/// <summary>The structured-mode writer: JSON data as JSON, text as a string, other bytes as base64, times in UTC.</summary>
public sealed class CloudEventJsonTests
{
    private static JsonObject Write(string? contentType, byte[] data) => JsonNode.Parse(CloudEventJson.Serialize(new CloudEvent
    {
        Id = "1",
        Source = "//s",
        Type = "t",
        Subject = "sub",
        Time = new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.FromHours(1)),
        DataContentType = contentType,
        Data = data,
        Extensions = new Dictionary<string, string> { ["bucket"] = "b" },
    }))!.AsObject();

    [Fact]
    public void JsonData_IsWrittenAsJson_WithAttributes()
    {
        var json = Write("application/json", """{"a":[1,2]}"""u8.ToArray());

        Assert.Equal("""{"a":[1,2]}""", json["data"]!.ToJsonString());
        Assert.Equal(("1.0", "sub", "2026-12-01T10:00:00Z", "b"), (json["specversion"]!.GetValue<string>(), json["subject"]!.GetValue<string>(), json["time"]!.GetValue<string>(), json["bucket"]!.GetValue<string>()));
    }

    [Fact]
    public void TextData_IsAString_AndBinaryData_IsBase64()
    {
        Assert.Equal("héllo", Write("text/plain; charset=utf-8", Encoding.UTF8.GetBytes("héllo"))["data"]!.GetValue<string>());
        Assert.Equal("AAEC", Write("application/octet-stream", [0, 1, 2])["data_base64"]!.GetValue<string>());
        Assert.Equal("ew==", Write("application/json", "{"u8.ToArray())["data_base64"]!.GetValue<string>()); // not JSON after all: kept as bytes
    }

    [Fact]
    public void NoData_WritesNoDataMember()
    {
        var json = Write(null, []);

        Assert.False(json.ContainsKey("data"));
        Assert.False(json.ContainsKey("data_base64"));
    }
}
