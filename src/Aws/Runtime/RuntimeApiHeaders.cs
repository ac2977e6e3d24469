using System.Text;

namespace Portable.Aws.Runtime;

/// <summary>The <c>Lambda-Runtime-*</c> headers of a Runtime API answer: the first non-empty value of each.</summary>
internal sealed class RuntimeApiHeaders
{
    public string? RequestId { get; private set; }

    public string? DeadlineMs { get; private set; }

    public string? TraceId { get; private set; }

    public string? FunctionArn { get; private set; }

    public string? ClientContext { get; private set; }

    public string? CognitoIdentity { get; private set; }

    /// <summary>Keeps <paramref name="value"/> for the field named after <c>Lambda-Runtime-</c>; unknown fields are ignored.</summary>
    public void Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (Ascii.EqualsIgnoreCase(field, "Aws-Request-Id"u8))
        {
            RequestId ??= Text(value);
        }
        else if (Ascii.EqualsIgnoreCase(field, "Deadline-Ms"u8))
        {
            DeadlineMs ??= Text(value);
        }
        else if (Ascii.EqualsIgnoreCase(field, "Trace-Id"u8))
        {
            TraceId ??= Text(value);
        }
        else if (Ascii.EqualsIgnoreCase(field, "Invoked-Function-Arn"u8))
        {
            FunctionArn ??= Text(value);
        }
        else if (Ascii.EqualsIgnoreCase(field, "Client-Context"u8))
        {
            ClientContext ??= Text(value);
        }
        else if (Ascii.EqualsIgnoreCase(field, "Cognito-Identity"u8))
        {
            CognitoIdentity ??= Text(value);
        }
    }

    // Header values are ASCII in practice; the client context and identity are JSON, which may hold UTF-8.
    private static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(value);
}
