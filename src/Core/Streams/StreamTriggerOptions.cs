namespace Portable.Core.Streams;

/// <summary>How a stream function takes its records.</summary>
public sealed record StreamTriggerOptions
{
    /// <summary>
    /// The largest batch the function asks for. Default 100, the default of Lambda's Kinesis and DynamoDB Streams event
    /// source mappings; at most 10,000 (docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html).
    /// </summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Checks the values; throws naming the bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, 10_000, nameof(BatchSize));
    }
}
