namespace Portable.Aws.Runtime;

/// <summary>The Runtime API's answer to a POST: 202 when accepted; 400, 403 or 413 when refused; 500 when the runtime must exit.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The body of a refusal (the Runtime API explains them as <c>{"errorMessage","errorType"}</c>), truncated; empty when accepted.</param>
public sealed record RuntimeApiAnswer(int StatusCode, string Body)
{
    /// <summary>True for 202 Accepted (any 2xx is taken as accepted).</summary>
    public bool Accepted => StatusCode is >= 200 and < 300;

    /// <summary>True when the Runtime API says the environment is broken (5xx) and the runtime should exit.</summary>
    public bool IsFatal => StatusCode >= 500;
}
