namespace Portable.Emulators.Aws;

/// <summary>
/// Settings of a <see cref="KinesisEventSourceEmulator"/>; defaults are Lambda's for a Kinesis event source mapping
/// (docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html).
/// </summary>
public sealed record KinesisEventSourceEmulatorOptions
{
    /// <summary>The Kinesis endpoint to read (kinesalite's address in tests).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The stream the function is mapped to; it must exist.</summary>
    public required string StreamName { get; init; }

    /// <summary>Records per invocation at most (the mapping's <c>BatchSize</c>: 100 by default, at most 10,000).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>
    /// How often a failing batch is retried before it is skipped and described in
    /// <see cref="KinesisEventSourceEmulator.OnFailure"/> (the mapping's on-failure destination). -1, Lambda's default,
    /// retries until the record expires, holding the rest of its shard back.
    /// </summary>
    public int MaximumRetryAttempts { get; init; } = -1;

    /// <summary>The function timeout given to each invocation.</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The region in ARNs and <c>awsRegion</c>.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The account in ARNs.</summary>
    public string AccountId { get; init; } = "123456789012";
}
