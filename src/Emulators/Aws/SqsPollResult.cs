namespace Portable.Emulators.Aws;

/// <summary>What one poll did.</summary>
/// <param name="Received">The ids handed to the function.</param>
/// <param name="Deleted">The ids deleted after success.</param>
/// <param name="Failed">The ids left for redelivery after the visibility timeout.</param>
/// <param name="Redriven">The ids moved to the dead-letter queue by the redrive policy.</param>
/// <param name="Invocation">The function's answer; null when nothing was visible.</param>
public sealed record SqsPollResult(
    IReadOnlyList<string> Received,
    IReadOnlyList<string> Deleted,
    IReadOnlyList<string> Failed,
    IReadOnlyList<string> Redriven,
    LambdaInvocationResult? Invocation)
{
    /// <summary>The ids deleted now but put back for one more delivery (<see cref="SqsEventSourceEmulatorOptions.DuplicateDeliveryRate"/>).</summary>
    public IReadOnlyList<string> Duplicated { get; init; } = [];
}
