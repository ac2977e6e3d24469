using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Aws.Logging;
using Portable.Aws.Messaging;
using Portable.Aws.Runtime;
using Portable.Core.App;
using Portable.Core.Patterns;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Resilience;
using Portable.Core.State;
using Portable.Aws.State;

// The composition root of the Lambda custom runtime (provided.al2023): an executable named bootstrap that
// reads AWS_LAMBDA_RUNTIME_API and _HANDLER, then serves invocations until SIGTERM.
var runtimeApi = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
if (string.IsNullOrWhiteSpace(runtimeApi))
{
    await Console.Error.WriteLineAsync("AWS_LAMBDA_RUNTIME_API is not set: bootstrap must run inside Lambda or under a Runtime API emulator.");
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
if (!LambdaBootstrap.TryResolveHandler(handler, PatternsApp.Manifest, out var function, out var initError))
{
    await Console.Error.WriteLineAsync($"{initError.ErrorType}: {initError.ErrorMessage}");
    await client.PostInitErrorAsync(initError, shutdown.Token);
    return 1;
}

var logs = new JsonLinesLoggerProvider(TimeProvider.System)
{
    MinimumLevel = JsonLinesLoggerProvider.MinimumLevelFrom(Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_LEVEL")),
};
var services = new ServiceCollection();
// One provider behind a small factory rather than AddLogging: nothing resolves ILogger<T>, and the options, filter
// rules and open generics AddLogging brings cost every Native AOT cold start milliseconds of reflection and type loading.
using var loggerFactory = new LambdaLoggerFactory(logs);
services.AddSingleton<ILoggerFactory>(loggerFactory);
// SQS: the publishing port and the dead-letter sink (<queue>-dlq); the client is built on first publish.
services.AddSingleton(_ => new SqsPublisher(SqsPublisherOptions.FromEnvironment()));
services.AddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<SqsPublisher>());
services.AddSingleton<IDeadLetterSink>(sp => new SqsDeadLetterSink(sp.GetRequiredService<SqsPublisher>()));
// State in DynamoDB when PORTABLE_DYNAMODB_TABLE names a table (the in-memory default serves one instance only).
// The client makes no call until the first read; the table is created only against an endpoint override (local engines).
var dynamo = Environment.GetEnvironmentVariable(DynamoDbStateStoreOptions.TableVariable) is { Length: > 0 }
    ? DynamoDbStateStoreOptions.FromEnvironment()
    : null;
if (dynamo is not null)
{
    try
    {
        services.AddSingleton<IStateStore>(await DynamoDbStateStoreOptions.CreateAsync(dynamo, TimeProvider.System, ensureTable: dynamo.ServiceUrl is not null, shutdown.Token));
    }
    catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
    {
        var failed = new LambdaError("Runtime.InitFailed", $"The DynamoDB state store (table {dynamo.TableName}) could not be reached: {ex.Message}");
        await Console.Error.WriteLineAsync($"{failed.ErrorType}: {failed.ErrorMessage}");
        await client.PostInitErrorAsync(failed, shutdown.Token);
        return 1;
    }
}

services.AddPortableDefaults(o =>
{
    o.Cloud = CloudProvider.Aws;
    o.FunctionTarget = function.Name;
});
PatternsApp.App.AddTo(services);

// Every call to DynamoDB and SQS goes through a resilience pipeline; throttling and 5xx are transient.
services.AddPortableResilience(r => r
    .AddPipeline(PortableResilience.StatePipeline)
    .AddPipeline(PortableResilience.PublishPipeline)
    .AddTransientFault(e => e is Amazon.Runtime.AmazonServiceException { StatusCode: System.Net.HttpStatusCode.RequestTimeout or System.Net.HttpStatusCode.TooManyRequests or >= System.Net.HttpStatusCode.InternalServerError }
        or Amazon.DynamoDBv2.Model.ProvisionedThroughputExceededException or Amazon.DynamoDBv2.Model.RequestLimitExceededException));
if (dynamo is not null)
{
    services.AddResilientStateStore();
}

services.AddResilientMessagePublisher();
await using var provider = services.BuildServiceProvider();

var log = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Portable.Aws.Bootstrap");
LambdaBootstrap bootstrap;
try
{
    // Builds the singletons the function needs, once: an HTTP function answers API Gateway / Function URL events,
    // a queue function answers SQS events with batchItemFailures.
    bootstrap = function.Trigger is QueueTrigger
        ? new LambdaBootstrap(client, provider.GetRequiredService<MessageInvoker>(), function, log, id => logs.RequestId = id)
        : new LambdaBootstrap(client, provider.GetRequiredService<HttpInvoker>(), log, id => logs.RequestId = id);
}
catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
{
    var failed = new LambdaError("Runtime.InitFailed", $"Function '{function.Name}' could not start: {ex.Message}");
    await Console.Error.WriteLineAsync($"{failed.ErrorType}: {failed.ErrorMessage}");
    await client.PostInitErrorAsync(failed, shutdown.Token);
    return 1;
}

try
{
    await bootstrap.RunAsync(shutdown.Token);
    return 0;
}
catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
{
    return 0;
}
catch (Exception ex) when (ex is RuntimeApiException or HttpRequestException)
{
    log.LogCritical(ex, "The Runtime API failed; exiting so Lambda replaces this environment");
    return 1;
}
