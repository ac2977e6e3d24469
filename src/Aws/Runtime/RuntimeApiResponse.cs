namespace Portable.Aws.Runtime;

/// <summary>A Runtime API answer as <see cref="RuntimeApiConnection"/> reads it.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Headers">Its <c>Lambda-Runtime-*</c> headers.</param>
/// <param name="Body">The whole body.</param>
internal sealed record RuntimeApiResponse(int StatusCode, RuntimeApiHeaders Headers, byte[] Body);
