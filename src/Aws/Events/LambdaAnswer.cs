using Portable.Aws.Runtime;

namespace Portable.Aws.Events;

/// <summary>What one invocation comes to: a response body to POST to <c>/response</c>, or an error to POST to <c>/error</c>.</summary>
public readonly record struct LambdaAnswer
{
    private LambdaAnswer(ReadOnlyMemory<byte> response, LambdaError? error)
    {
        Response = response;
        Error = error;
    }

    /// <summary>The response body (UTF-8 JSON) when <see cref="Error"/> is null.</summary>
    public ReadOnlyMemory<byte> Response { get; }

    /// <summary>The error to report instead of a response, or null.</summary>
    public LambdaError? Error { get; }

    /// <summary>Answers with <paramref name="response"/>.</summary>
    public static LambdaAnswer Respond(ReadOnlyMemory<byte> response) => new(response, null);

    /// <summary>Answers with <paramref name="error"/> (an event the function cannot take).</summary>
    public static LambdaAnswer Fail(LambdaError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));
}
