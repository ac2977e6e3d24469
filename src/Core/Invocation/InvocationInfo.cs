namespace Portable.Core.Invocation;

/// <summary>What the platform said about one invocation, read by the adapter from its envelope.</summary>
/// <param name="InvocationId">The platform's invocation or request id; one is made up when null.</param>
/// <param name="Deadline">When the platform stops waiting, if it says.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c>, if any.</param>
/// <param name="PlatformTraceId">The platform's own trace header, if any.</param>
public readonly record struct InvocationInfo(
    string? InvocationId = null,
    DateTimeOffset? Deadline = null,
    string? TraceParent = null,
    string? PlatformTraceId = null);
