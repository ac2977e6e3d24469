using Microsoft.Extensions.DependencyInjection;
using Portable.Aws.EventBridge;
using Portable.Aws.State;
using Portable.Aws.Storage;
using Portable.Core.App;
using Portable.Core.Events;
using Portable.Core.Resilience;
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
        AppContext.SetSwitch(AwsServices.S3Switch, true);
        AppContext.SetSwitch(AwsServices.EventBridgeSwitch, true);
    }

    private static void AssertPieces(CloudServices cloud, bool stateStore, bool sqs, bool transientFaults, bool objectStore, bool events = false)
    {
        Assert.Equal(stateStore, cloud.OpenStateStore is not null);
        Assert.Equal(objectStore, cloud.ObjectStore is not null);
        Assert.Equal(sqs || events, cloud.Services is not null);
        Assert.Equal(sqs, cloud.Publisher is not null);
        Assert.Equal(sqs, cloud.DeadLetters is not null);
        Assert.Equal(events, cloud.EventPublisher is not null);
        Assert.Equal(transientFaults, cloud.IsTransient is not null);
    }

    private static void Publish(bool dynamoDb, bool sqs, bool s3 = false, bool events = false)
    {
        AppContext.SetSwitch(AwsServices.DynamoDbSwitch, dynamoDb);
        AppContext.SetSwitch(AwsServices.SqsSwitch, sqs);
        AppContext.SetSwitch(AwsServices.S3Switch, s3);
        AppContext.SetSwitch(AwsServices.EventBridgeSwitch, events);
    }

    private static async Task<ServiceProvider> ComposeAsync(CloudServices cloud)
    {
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await services.AddPortableHostAsync(new Portable.Core.Functions.FunctionApp(new Portable.Core.Functions.FunctionManifestBuilder().Build()), cloud, _ => { });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Cloud_Default_HasSqsPublisherDeadLettersObjectStoreEventBridgeAndTransientFaults()
    {
        var cloud = LambdaHost.Cloud(NoSettings);

        Assert.True(AwsServices.IsDynamoDbSupported && AwsServices.IsSqsSupported && AwsServices.IsS3Supported && AwsServices.IsEventBridgeSupported);
        AssertPieces(cloud, stateStore: false, sqs: true, transientFaults: true, objectStore: true, events: true); // no PORTABLE_DYNAMODB_TABLE: the in-memory store
        await using var provider = await ComposeAsync(cloud);
        var publisher = Assert.IsType<ResilientEventPublisher>(provider.GetRequiredService<IEventPublisher>());
        Assert.Equal("default", Assert.IsType<EventBridgePublisher>(publisher.Inner).Options.BusName);
    }

    [Fact]
    public async Task Cloud_EventsOnly_PublishesEventsWithoutSqs()
    {
        Publish(dynamoDb: false, sqs: false, events: true);

        var cloud = LambdaHost.Cloud(new HostSettings(name => name == EventBridgePublisherOptions.BusVariable ? "orders-bus" : null));

        AssertPieces(cloud, stateStore: false, sqs: false, transientFaults: true, objectStore: false, events: true);
        await using var provider = await ComposeAsync(cloud);
        var publisher = Assert.IsType<ResilientEventPublisher>(provider.GetRequiredService<IEventPublisher>());
        Assert.Equal("orders-bus", Assert.IsType<EventBridgePublisher>(publisher.Inner).Options.BusName);
    }

    [Fact]
    public void Cloud_WithoutEventsButABusNamed_ThrowsSayingHowToPublish()
    {
        Publish(dynamoDb: true, sqs: true, s3: true, events: false);

        var e = Assert.Throws<SettingsException>(() => LambdaHost.Cloud(new HostSettings(name => name == EventBridgePublisherOptions.BusVariable ? "orders-bus" : null)));

        Assert.Contains("PORTABLE_EVENTBRIDGE_BUS='orders-bus'", e.Message, StringComparison.Ordinal);
        Assert.Contains("includes events", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cloud_BadEventBridgeEndpoint_Throws()
    {
        var e = Assert.Throws<SettingsException>(() => LambdaHost.Cloud(new HostSettings(name => name == EventBridgePublisherOptions.EndpointVariable ? "ftp://bus" : null)));

        Assert.Equal(EventBridgePublisherOptions.EndpointVariable, e.Variable);
    }

    [Fact]
    public void Cloud_DynamoDbOnly_OpensTheTableAndHasNoSqs()
    {
        Publish(dynamoDb: true, sqs: false);

        var cloud = LambdaHost.Cloud(new HostSettings(name => name == DynamoDbStateStoreOptions.TableVariable ? "Orders" : null));

        AssertPieces(cloud, stateStore: true, sqs: false, transientFaults: true, objectStore: false);
    }

    [Fact]
    public void Cloud_None_HasNoAwsPieceAndIgnoresBadSqsAndS3Endpoints()
    {
        Publish(dynamoDb: false, sqs: false);

        var cloud = LambdaHost.Cloud(new HostSettings(name => name is "AWS_ENDPOINT_URL_SQS" or S3ObjectStoreOptions.EndpointVariable ? "not a url" : null));

        AssertPieces(cloud, stateStore: false, sqs: false, transientFaults: false, objectStore: false);
    }

    [Fact]
    public void Cloud_S3Only_HasTheObjectStoreAndTransientFaults()
    {
        Publish(dynamoDb: false, sqs: false, s3: true);

        var cloud = LambdaHost.Cloud(NoSettings);

        AssertPieces(cloud, stateStore: false, sqs: false, transientFaults: true, objectStore: true);
        Assert.IsType<S3ObjectStore>(cloud.ObjectStore!(null!));
    }

    [Fact]
    public void Cloud_BadS3Endpoint_Throws()
    {
        var e = Assert.Throws<SettingsException>(() => LambdaHost.Cloud(new HostSettings(name => name == S3ObjectStoreOptions.EndpointVariable ? "s3rver" : null)));

        Assert.Equal(S3ObjectStoreOptions.EndpointVariable, e.Variable);
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
