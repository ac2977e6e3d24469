using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>A message attribute: its data type and a string or base64 binary value (list values are reserved by SQS).</summary>
public sealed class SqsMessageAttribute
{
    /// <summary><c>String</c>, <c>Number</c> or <c>Binary</c>, optionally with a custom label (<c>Number.int</c>).</summary>
    [JsonPropertyName("dataType")]
    public string? DataType { get; set; }

    /// <summary>The value of a String or Number attribute.</summary>
    [JsonPropertyName("stringValue")]
    public string? StringValue { get; set; }

    /// <summary>The base64 value of a Binary attribute.</summary>
    [JsonPropertyName("binaryValue")]
    public string? BinaryValue { get; set; }

    /// <summary>Reserved by SQS; carried by Lambda's event.</summary>
    [JsonPropertyName("stringListValues")]
    public List<string?>? StringListValues { get; set; }

    /// <summary>Reserved by SQS; carried by Lambda's event.</summary>
    [JsonPropertyName("binaryListValues")]
    public List<string?>? BinaryListValues { get; set; }
}
