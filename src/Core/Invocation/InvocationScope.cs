using System.Collections;

namespace Portable.Core.Invocation;

/// <summary>
/// The logging scope of one invocation: <c>FunctionName</c> and <c>InvocationId</c> as structured values, the shape
/// console and OpenTelemetry providers read scopes in.
/// </summary>
internal sealed class InvocationScope(string functionName, string invocationId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("FunctionName", functionName),
        1 => new("InvocationId", invocationId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{functionName} {invocationId}";
}
