using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Aws.EventBridge;
using Portable.Aws.Events;
using Portable.Aws.Logging;
using Portable.Aws.Messaging;
using Portable.Aws.Runtime;
using Portable.Aws.State;
using Portable.Aws.Storage;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Settings;
using Portable.Core.State;
using Portable.Core.Storage;

namespace Portable.Aws;

/// <summary>
/// The Lambda custom runtime (<c>provided.al2023</c>) for an app it is given: reads <c>AWS_LAMBDA_RUNTIME_API</c> and
/// <c>_HANDLER</c>, composes the app's services, then serves invocations through the Runtime API until SIGTERM.
/// The single entry point, as <c>LambdaBootstrapBuilder</c> is in Amazon's RuntimeSupport.
/// </summary>
public static partial class LambdaHost
{
    private const string InitFailedType = "Runtime.InitFailed";

    /// <summary>Runs <paramref name="app"/> as a Lambda function; returns the process exit code.</summary>
    public static async Task<int> RunAsync(FunctionApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var runtimeApi = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            await Console.Error.WriteLineAsync("AWS_LAMBDA_RUNTIME_API is not set: bootstrap must run inside Lambda or under a Runtime API emulator.").ConfigureAwait(false);
            return 2;
        }

        using var client = new RuntimeApiClient(runtimeApi);
        using var shutdown = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            shutdown.Cancel();
        });

        var handler = Environment.GetEnvironmentVariable("_HANDLER");
        if (!LambdaBootstrap.TryResolveHandler(handler, app.Manifest, LambdaTriggerMapper.Default, out var function, out var mapper, out var initError))
        {
            return await FailInitAsync(client, initError, shutdown.Token).ConfigureAwait(false);
        }

        JsonLinesLoggerProvider logs;
        try
        {
            logs = new JsonLinesLoggerProvider(TimeProvider.System) { MinimumLevel = LambdaLogLevel.From(HostSettings.Environment) };
        }
        catch (SettingsException ex)
        {
            return await FailInitAsync(client, new LambdaError(InitFailedType, ex.Message), shutdown.Token).ConfigureAwait(false);
        }

        // One provider behind a small factory rather than AddLogging, whose options and filter rules cost every Native
        // AOT cold start milliseconds of reflection and type loading; ILogger<T> is still there for a user's handler that
        // asks for one (Logger<T> over the same factory, made only when resolved).
        using var loggerFactory = new LambdaLoggerFactory(logs);
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        try
        {
            await services.AddPortableHostAsync(app, Cloud(HostSettings.Environment), o =>
            {
                o.Cloud = CloudProvider.Aws;
                o.FunctionTarget = function.Name;
            }, shutdown.Token).ConfigureAwait(false);
        }
        catch (SettingsException ex)
        {
            return await FailInitAsync(client, new LambdaError(InitFailedType, ex.Message), shutdown.Token).ConfigureAwait(false);
        }
        catch (StateStoreUnreachableException ex)
        {
            return await FailInitAsync(client, new LambdaError(InitFailedType, ex.Message), shutdown.Token).ConfigureAwait(false);
        }

        await using var provider = services.BuildServiceProvider();
        var log = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Portable.Aws.Bootstrap");
        LambdaBootstrap bootstrap;
        try
        {
            // The function's trigger kind chose its mapper; binding builds the singletons it needs, once.
            bootstrap = new LambdaBootstrap(client, mapper.Bind(function, provider, log), log, id => logs.RequestId = id);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or SettingsException)
        {
            return await FailInitAsync(client, new LambdaError(InitFailedType, $"Function '{function.Name}' could not start: {ex.Message}"), shutdown.Token).ConfigureAwait(false);
        }

        try
        {
            await bootstrap.RunAsync(shutdown.Token).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex) when (ex is RuntimeApiException or HttpRequestException)
        {
            LogRuntimeApiFailed(log, ex);
            return 1;
        }
    }

    /// <summary>
    /// The AWS pieces of the composition root, each only when the bootstrap was published with it
    /// (<see cref="AwsServices"/>): DynamoDB when <c>PORTABLE_DYNAMODB_TABLE</c> names a table (the in-memory default
    /// serves one instance only; the table is created only against an endpoint override, i.e. a local engine), SQS for
    /// publishing and for the <c>&lt;queue&gt;-dlq</c> dead letters, S3 as the object store storage functions read
    /// through (<see cref="S3ObjectStoreOptions"/>; both clients are built on first use), EventBridge <c>PutEvents</c>
    /// for publishing events (to <c>PORTABLE_EVENTBRIDGE_BUS</c>, the default bus unless set), throttling and 5xx as
    /// transient faults.
    /// </summary>
    /// <exception cref="SettingsException">A setting is unusable, or asks for a service the bootstrap was published without.</exception>
    internal static CloudServices Cloud(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);

        // Each guard is a feature switch read directly, so that when it is off the trimmer drops the branch and the SDK behind it.
        var stateStore = AwsServices.IsDynamoDbSupported ? DynamoDbStateStore(settings) : RefuseDynamoDbTable(settings);
        var objectStore = AwsServices.IsS3Supported ? S3ObjectStore(settings) : null;
        var events = AwsServices.IsEventBridgeSupported ? EventBridgePublisherOptions.From(settings) : RefuseEventBridgeBus(settings);
        var sqs = AwsServices.IsSqsSupported ? SqsPublisherOptions.From(settings) : null;
        var anySdk = AwsServices.IsDynamoDbSupported || AwsServices.IsS3Supported || AwsServices.IsEventBridgeSupported;
        if (sqs is null && events is null)
        {
            return new CloudServices { OpenStateStore = stateStore, ObjectStore = objectStore, IsTransient = anySdk ? IsTransientFault : null };
        }

        return new CloudServices
        {
            OpenStateStore = stateStore,
            ObjectStore = objectStore,
            Services = services =>
            {
                if (AwsServices.IsSqsSupported && sqs is not null)
                {
                    services.AddSingleton(_ => new SqsPublisher(sqs));
                }

                if (AwsServices.IsEventBridgeSupported && events is not null)
                {
                    services.AddSingleton(sp => new EventBridgePublisher(events, sp.GetRequiredService<TimeProvider>()));
                }
            },
            Publisher = AwsServices.IsSqsSupported && sqs is not null ? sp => sp.GetRequiredService<SqsPublisher>() : null,
            DeadLetters = AwsServices.IsSqsSupported && sqs is not null ? sp => new SqsDeadLetterSink(sp.GetRequiredService<SqsPublisher>()) : null,
            EventPublisher = AwsServices.IsEventBridgeSupported && events is not null ? sp => sp.GetRequiredService<EventBridgePublisher>() : null,
            IsTransient = IsTransientFault,
        };
    }

    private static Func<IServiceProvider, IObjectStore> S3ObjectStore(HostSettings settings)
    {
        var s3 = S3ObjectStoreOptions.From(settings);
        return _ => new S3ObjectStore(s3);
    }

    private static Func<TimeProvider, CancellationToken, Task<IStateStore>>? DynamoDbStateStore(HostSettings settings)
    {
        if (settings.Text(DynamoDbStateStoreOptions.TableVariable) is null)
        {
            return null;
        }

        var dynamo = DynamoDbStateStoreOptions.From(settings);
        return async (time, ct) =>
        {
            try
            {
                return await DynamoDbStateStoreOptions.CreateAsync(dynamo, time, ensureTable: dynamo.ServiceUrl is not null, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
            {
                throw new StateStoreUnreachableException($"The DynamoDB state store (table {dynamo.TableName}) could not be reached: {ex.Message}", ex);
            }
        };
    }

    private static Func<TimeProvider, CancellationToken, Task<IStateStore>>? RefuseDynamoDbTable(HostSettings settings) =>
        settings.Text(DynamoDbStateStoreOptions.TableVariable) is { } table
            ? throw new SettingsException(
                $"{DynamoDbStateStoreOptions.TableVariable}='{table}' asks for the DynamoDB state store, but this bootstrap was published without it: "
                + "publish with -p:PortableAwsServices=all (the default) or one that includes dynamodb, or unset the variable to use the in-memory store.")
            : null;

    private static EventBridgePublisherOptions? RefuseEventBridgeBus(HostSettings settings) =>
        settings.Text(EventBridgePublisherOptions.BusVariable) is { } bus
            ? throw new SettingsException(
                $"{EventBridgePublisherOptions.BusVariable}='{bus}' asks for publishing to EventBridge, but this bootstrap was published without it: "
                + "publish with -p:PortableAwsServices=all (the default) or one that includes events, or unset the variable.")
            : null;

    // Throttling and 5xx from any AWS service, and DynamoDB's own capacity faults when it is built in.
    private static bool IsTransientFault(Exception e) =>
        e is Amazon.Runtime.AmazonServiceException { StatusCode: System.Net.HttpStatusCode.RequestTimeout or System.Net.HttpStatusCode.TooManyRequests or >= System.Net.HttpStatusCode.InternalServerError }
        || (AwsServices.IsDynamoDbSupported && e is Amazon.DynamoDBv2.Model.ProvisionedThroughputExceededException or Amazon.DynamoDBv2.Model.RequestLimitExceededException);

    private static async Task<int> FailInitAsync(RuntimeApiClient client, LambdaError error, CancellationToken cancellationToken)
    {
        await Console.Error.WriteLineAsync($"{error.ErrorType}: {error.ErrorMessage}").ConfigureAwait(false);
        await client.PostInitErrorAsync(error, cancellationToken).ConfigureAwait(false);
        return 1;
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Critical, Message = "The Runtime API failed; exiting so Lambda replaces this environment")]
    private static partial void LogRuntimeApiFailed(ILogger logger, Exception exception);
}
