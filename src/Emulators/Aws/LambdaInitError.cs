using System.Text;

namespace Portable.Emulators.Aws;

/// <summary>What a runtime posted to <c>/runtime/init/error</c>.</summary>
/// <param name="ErrorType">The <c>Lambda-Runtime-Function-Error-Type</c> header (null when absent).</param>
/// <param name="Body">The error body.</param>
/// <param name="ContentType">The body's <c>Content-Type</c>, if any.</param>
public sealed record LambdaInitError(string? ErrorType, ReadOnlyMemory<byte> Body, string? ContentType)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);
}
