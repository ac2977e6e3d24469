using System.Buffers;
using System.Text.Json;

namespace Portable.Aws.Runtime;

/// <summary>
/// An error reported to the Runtime API (<c>/invocation/{id}/error</c> or <c>/init/error</c>). Its body is the
/// documented convention <c>{"errorMessage","errorType","stackTrace":[]}</c> and its type also travels in the
/// <c>Lambda-Runtime-Function-Error-Type</c> header, so it should read <c>Runtime.&lt;Reason&gt;</c> or
/// <c>Function.&lt;Reason&gt;</c> (the Runtime Interface Emulator rewrites anything else to <c>Runtime.Unknown</c>).
/// </summary>
/// <param name="ErrorType">For example <c>Runtime.UnsupportedEvent</c>.</param>
/// <param name="ErrorMessage">What went wrong, in a sentence a person can act on.</param>
public sealed record LambdaError(string ErrorType, string ErrorMessage)
{
    /// <summary>The content type the Runtime API expects for error bodies (as the AWS .NET client sends).</summary>
    public const string ContentType = "application/vnd.aws.lambda.error+json";

    /// <summary>The error as the documented JSON body, UTF-8.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", ErrorMessage);
            writer.WriteString("errorType", ErrorType);
            writer.WriteStartArray("stackTrace");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
