namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>One event of an execution (aws-local-stepfunctions' event log, trimmed).</summary>
public sealed record ExecutionEvent(string Type, long Timestamp, string? State, string? Error, string? Cause, int? RetryAttempt, string? Next);
