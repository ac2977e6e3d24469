using System.Diagnostics.CodeAnalysis;

namespace Portable.Aws;

/// <summary>
/// Which AWS SDK parts a published bootstrap carries: trimming feature switches set at publish time by the
/// <c>PortableAwsServices</c> property (<c>all</c>, the default; <c>none</c>; or <c>dynamodb</c>, <c>sqs</c>, <c>s3</c>,
/// <c>events</c> joined by <c>+</c>). A switch that is off is a constant to the trimmer and the Native AOT compiler, so the registrations it
/// guards in <see cref="LambdaHost"/> and the SDK code behind them are left out of the executable. Unset (a plain
/// build, the tests) means on.
/// </summary>
public static class AwsServices
{
    /// <summary>The runtime configuration name of the DynamoDB switch.</summary>
    public const string DynamoDbSwitch = "Portable.Aws.DynamoDb";

    /// <summary>The runtime configuration name of the SQS switch.</summary>
    public const string SqsSwitch = "Portable.Aws.Sqs";

    /// <summary>The runtime configuration name of the S3 switch.</summary>
    public const string S3Switch = "Portable.Aws.S3";

    /// <summary>True when the DynamoDB state store is built in (<c>PORTABLE_DYNAMODB_TABLE</c> can be used).</summary>
    [FeatureSwitchDefinition(DynamoDbSwitch)]
    public static bool IsDynamoDbSupported => IsOn(DynamoDbSwitch);

    /// <summary>True when SQS is built in: publishing, and dead letters sent to <c>{queue}-dlq</c> at once.</summary>
    [FeatureSwitchDefinition(SqsSwitch)]
    public static bool IsSqsSupported => IsOn(SqsSwitch);

    /// <summary>True when S3 is built in: the object store storage functions read through.</summary>
    [FeatureSwitchDefinition(S3Switch)]
    public static bool IsS3Supported => IsOn(S3Switch);

    /// <summary>The runtime configuration name of the EventBridge switch (the <c>events</c> service).</summary>
    public const string EventBridgeSwitch = "Portable.Aws.EventBridge";

    /// <summary>True when EventBridge publishing is built in (<c>PutEvents</c>, signed with AWSSDK.Core's SigV4 signer).</summary>
    [FeatureSwitchDefinition(EventBridgeSwitch)]
    public static bool IsEventBridgeSupported => IsOn(EventBridgeSwitch);

    private static bool IsOn(string name) => !AppContext.TryGetSwitch(name, out var on) || on;
}
