using System.Globalization;
using System.Text.Json.Nodes;

namespace Portable.Gcp.Tests.CloudEvents;

/// <summary>
/// The comparison the conformance client makes of the function's output with the expected event: id, source,
/// subject, type, datacontenttype equal, time the same instant, data equal as JSON (objects compared as maps).
/// </summary>
internal static class CloudEventAssert
{
    public static void Matches(JsonObject expected, JsonObject? actual, string name)
    {
        Assert.True(actual is not null, $"{name}: the function wrote no {"function_output.json"}.");
        foreach (var attribute in new[] { "specversion", "id", "source", "subject", "type", "datacontenttype" })
        {
            Assert.True(
                Text(expected, attribute) == Text(actual, attribute),
                $"{name}: {attribute} is '{Text(actual, attribute)}', expected '{Text(expected, attribute)}'.");
        }

        Assert.True(Time(expected) == Time(actual), $"{name}: time is {Text(actual, "time")}, expected {Text(expected, "time")}.");
        Assert.True(
            JsonNode.DeepEquals(expected["data"], actual["data"]),
            $"{name}: data is {actual["data"]?.ToJsonString()}, expected {expected["data"]?.ToJsonString()}.");
    }

    private static string? Text(JsonObject cloudEvent, string name) => cloudEvent[name]?.GetValue<string>();

    private static DateTimeOffset? Time(JsonObject cloudEvent) =>
        Text(cloudEvent, "time") is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;
}
