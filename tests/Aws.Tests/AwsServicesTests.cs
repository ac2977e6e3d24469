using Portable.Aws.State;
using Portable.Core.Settings;

namespace Portable.Aws.Tests;

/// <summary>
/// The composition under each <c>PortableAwsServices</c> choice, with the feature switches set as a publish sets
/// them (AppContext switches are process-wide, hence one collection run alone).
/// </summary>
[Collection(AwsServicesCollection.Name)]
public sealed class AwsServicesTests : IDisposable
{
    private static readonly HostSettings NoSettings = new(_ => null);

    public void Dispose()
    {
        AppContext.SetSwitch(AwsServices.DynamoDbSwitch, true);
        AppContext.SetSwitch(AwsServices.SqsSwitch, true);
    }

    private static void AssertPieces(Portable.Core.App.CloudServices cloud, bool stateStore, bool sqs, bool transientFaults)
    {
        Assert.Equal(stateStore, cloud.OpenStateStore is not null);
        Assert.Equal(sqs, cloud.Services is not null);
        Assert.Equal(sqs, cloud.Publisher is not null);
        Assert.Equal(sqs, cloud.DeadLetters is not null);
        Assert.Equal(transientFaults, cloud.IsTransient is not null);
    }

    private static void Publish(bool dynamoDb, bool sqs)
    {
        AppContext.SetSwitch(AwsServices.DynamoDbSwitch, dynamoDb);
        AppContext.SetSwitch(AwsServices.SqsSwitch, sqs);
    }

    [Fact]
    public void Cloud_Default_HasSqsPublisherDeadLettersAndTransientFaults()
    {
        var cloud = LambdaHost.Cloud(NoSettings);

        Assert.True(AwsServices.IsDynamoDbSupported && AwsServices.IsSqsSupported);
        AssertPieces(cloud, stateStore: false, sqs: true, transientFaults: true); // no PORTABLE_DYNAMODB_TABLE: the in-memory store
    }

    [Fact]
    public void Cloud_DynamoDbOnly_OpensTheTableAndHasNoSqs()
    {
        Publish(dynamoDb: true, sqs: false);

        var cloud = LambdaHost.Cloud(new HostSettings(name => name == DynamoDbStateStoreOptions.TableVariable ? "Orders" : null));

        AssertPieces(cloud, stateStore: true, sqs: false, transientFaults: true);
    }

    [Fact]
    public void Cloud_None_HasNoAwsPieceAndIgnoresABadSqsEndpoint()
    {
        Publish(dynamoDb: false, sqs: false);

        var cloud = LambdaHost.Cloud(new HostSettings(name => name == "AWS_ENDPOINT_URL_SQS" ? "not a url" : null));

        AssertPieces(cloud, stateStore: false, sqs: false, transientFaults: false);
    }

    [Fact]
    public void Cloud_WithoutDynamoDbButATableNamed_ThrowsSayingHowToPublish()
    {
        Publish(dynamoDb: false, sqs: true);

        var e = Assert.Throws<SettingsException>(() => LambdaHost.Cloud(new HostSettings(name => name == DynamoDbStateStoreOptions.TableVariable ? "Orders" : null)));

        Assert.Contains("PORTABLE_DYNAMODB_TABLE='Orders'", e.Message, StringComparison.Ordinal);
        Assert.Contains("-p:PortableAwsServices", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cloud_BadSqsEndpoint_Throws()
    {
        var e = Assert.Throws<SettingsException>(() => LambdaHost.Cloud(new HostSettings(name => name == "AWS_ENDPOINT_URL_SQS" ? "not a url" : null)));

        Assert.Equal("AWS_ENDPOINT_URL_SQS", e.Variable);
    }
}

/// <summary>Runs the tests that flip the process-wide feature switches alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AwsServicesCollection
{
    public const string Name = "AWS feature switches";
}
