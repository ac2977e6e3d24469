using Amazon.S3.Model;
using Amazon.S3;
using Portable.Aws.Storage;
using Portable.Compare.Apps;
using Portable.Compare.Hosts;
using Portable.Conformance.Hosts;
using Portable.Core.Functions;
using Portable.Core.Patterns.Jobs;
using Portable.Core.Settings;
using Portable.Core.State;
using Portable.Core.Storage;
using Portable.Emulators.Aws;
using Portable.Emulators.Processes;
using Portable.Engines;
using Portable.Testing;

namespace Portable.Conformance.Jobs;

/// <summary>
/// The upload-started job on AWS (<see cref="AwsAppUnderTest"/>: <c>jobs-api</c> behind API Gateway,
/// <c>job-chunk-worker</c> on SQS <c>job-chunks</c>, one DynamoDB table on dynalite) with S3 on s3rver and
/// <c>job-upload-starter</c> as a Lambda function of its own, the real bootstrap (<c>_HANDLER=job-upload-starter</c>)
/// polling its Runtime API emulator and reading the object from s3rver (<c>AWS_ENDPOINT_URL_S3</c>). s3rver sends no
/// notifications, so the test sends what S3 sends: the upload is a real <c>PutObject</c>, then its S3 event
/// notification (<c>ObjectCreated:Put</c>, the key URL-encoded, the <c>eTag</c> and <c>sequencer</c> S3 puts there;
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html) is invoked, and
/// invoked again byte for byte as Lambda's asynchronous retries and S3's at-least-once delivery do. A delivery is
/// settled when its invocation answered.
/// </summary>
internal sealed class AwsUploadJobHost : IUploadJobHost
{
    private static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(60);

    private readonly S3rverFixture _s3rver;
    private readonly AwsAppUnderTest _app;
    private readonly LambdaRuntimeApiEmulator _runtimeApi;
    private readonly ChildProcess _starter;
    private readonly AmazonS3Client _s3;
    private byte[]? _notification;

    private AwsUploadJobHost(S3rverFixture s3rver, AwsAppUnderTest app, LambdaRuntimeApiEmulator runtimeApi, ChildProcess starter, AmazonS3Client s3)
    {
        _s3rver = s3rver;
        _app = app;
        _runtimeApi = runtimeApi;
        _starter = starter;
        _s3 = s3;
        Jobs = app.CreateClient(JobsApi.FunctionName);
    }

    public string Name => "aws";

    public string Wiring => $"PutObject to s3rver, its S3 notification invoked on {JobUploadStarter.FunctionName} (own Lambda bootstrap, Runtime API emulator, reading S3 on s3rver); jobs-api behind API Gateway (HTTP API v2), job-chunk-worker on SQS {JobChunkWorker.Queue} ({_app.Queue.Functions.Count} execution environments), one DynamoDB table on dynalite";

    public HttpClient Jobs { get; }

    public IStateStore Store => _app.Store;

    public string Output => $"{_app.Output}\n{JobUploadStarter.FunctionName}:\n{_starter.Output}";

    /// <summary>The variables that reach s3rver: its endpoint and its one access key id (it checks no secret).</summary>
    private static Dictionary<string, string?> S3Variables(S3rverFixture s3rver) => new(StringComparer.Ordinal)
    {
        [S3ObjectStoreOptions.EndpointVariable] = s3rver.ServiceUrl.ToString(),
        ["AWS_ACCESS_KEY_ID"] = "S3RVER",
        ["AWS_SECRET_ACCESS_KEY"] = "any",
    };

    /// <summary>Starts s3rver (bucket <c>uploads</c>), the app (dynalite, the worker with <paramref name="environments"/> environments, the API), then the starter.</summary>
    public static async Task<IUploadJobHost> StartAsync(int environments)
    {
        var s3rver = new S3rverFixture();
        AwsAppUnderTest? app = null;
        LambdaRuntimeApiEmulator? runtimeApi = null;
        ChildProcess? starter = null;
        AmazonS3Client? s3 = null;
        try
        {
            await s3rver.InitializeAsync();
            var variables = S3Variables(s3rver);
            s3 = S3ObjectStoreOptions.From(new HostSettings(name => variables.GetValueOrDefault(name))).CreateClient();
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = JobUploadStarter.Bucket });

            app = await AwsAppUnderTest.StartAsync("PortableUploads", JobChunkWorker.FunctionName, JobChunkWorker.Queue, environments, [JobsApi.FunctionName]);
            runtimeApi = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = JobUploadStarter.FunctionName });
            starter = LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
            {
                BootstrapPath = HostBuilds.AwsBootstrap,
                RuntimeApi = runtimeApi.RuntimeApi,
                Handler = JobUploadStarter.FunctionName,
                Environment = new[] { LocalAws.Credentials, app.FunctionEnvironment, variables }.SelectMany(v => v).GroupBy(v => v.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
            });
            await starter.WaitUntilPollingAsync(runtimeApi, HostDefaults.StartupTimeout);
            return new AwsUploadJobHost(s3rver, app, runtimeApi, starter, s3);
        }
        catch
        {
            if (starter is not null)
            {
                await starter.DisposeAsync();
            }

            if (runtimeApi is not null)
            {
                await runtimeApi.DisposeAsync();
            }

            if (app is not null)
            {
                await app.DisposeAsync();
            }

            s3?.Dispose();
            await s3rver.DisposeAsync();
            throw;
        }
    }

    public async Task<string> UploadAsync(string key, byte[] content)
    {
        using var body = new MemoryStream(content, writable: false);
        var put = await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = JobUploadStarter.Bucket,
            Key = key,
            InputStream = body,
            ContentType = "text/csv",
            UseChunkEncoding = false,
        });
        var created = new ObjectCreated
        {
            Cloud = CloudProvider.Aws,
            Bucket = JobUploadStarter.Bucket,
            Key = key,
            ETag = put.ETag.Trim('"'),
            Size = content.Length,
            EventTime = DateTimeOffset.UtcNow,
            Sequencer = "0062E99A88DC407460",
        };
        _notification = S3Events.Notification([created]);
        return await InvokeAsync();
    }

    public Task<string> DeliverAgainAsync() => InvokeAsync();

    public Task<bool> IsIdleAsync() => Task.FromResult(_app.IsQueueIdle);

    public Task<int> DeadLetterCountAsync() => Task.FromResult(_app.Queue.Sqs.DeadLetters.Count);

    public void ThrowIfBroken()
    {
        _app.ThrowIfBroken();
        if (_starter.HasExited)
        {
            throw new InvalidOperationException($"The {JobUploadStarter.FunctionName} bootstrap exited with code {_starter.ExitCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Jobs.Dispose();
        await _starter.DisposeAsync();
        await _runtimeApi.DisposeAsync();
        await _app.DisposeAsync();
        _s3.Dispose();
        await _s3rver.DisposeAsync();
    }

    private async Task<string> InvokeAsync()
    {
        var notification = _notification ?? throw new InvalidOperationException("Nothing was uploaded yet.");
        var result = await _runtimeApi.InvokeAsync(notification, InvocationTimeout);
        return result.IsSuccess
            ? result.PayloadText
            : throw new Xunit.Sdk.XunitException($"[aws] the S3 notification's invocation failed ({result.Outcome} {result.ErrorType}): {result.ErrorBodyText}\n{CsvJobScenario.Tail(Output)}");
    }
}
