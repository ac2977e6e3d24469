using Portable.Conformance.Hosts;
using Portable.Conformance.Jobs;
using Xunit.Abstractions;

namespace Portable.Conformance;

/// <summary>
/// Issue 11's "an upload event delivered three times starts one job", on each host (<see cref="UploadJobScenario"/>):
/// the CSV uploaded to <c>uploads</c> through the platform's store, its object-created event delivered three times
/// through the platform's own delivery; one job is recorded, started once, completed with exact totals. Each host is
/// its own class below, so the hosts run at once. A host joins with an <see cref="IUploadJobHost"/> adapter and a class here.
/// </summary>
public abstract class UploadJobConformanceTests(UploadJobHostFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task UploadEventDeliveredThreeTimes_OneJobStartedOnce_CompletedWithExactTotals()
    {
        var host = await fixture.HostAsync();
        output.WriteLine($"{host.Name}: started in {fixture.Startup.TotalSeconds:0.0} s");

        var run = await UploadJobScenario.RunAsync(host);

        output.WriteLine($"{host.Name}: {host.Wiring}");
        output.WriteLine($"{host.Name}: job {run.JobId} completed {run.Completed.TotalSeconds:0.0} s after the upload");
        foreach (var answer in run.Answers)
        {
            output.WriteLine($"  delivery answered: {answer}");
        }

        foreach (var line in run.Transcript)
        {
            output.WriteLine("  " + line);
        }

        if (ItemsScenario.Diff("the upload's own job", UploadJobScenario.ExpectedTranscript, host.Name, run.Transcript) is { } difference)
        {
            Assert.Fail(difference);
        }
    }
}

/// <summary>Starts one upload-job host for a class's test and disposes it after.</summary>
public abstract class UploadJobHostFixture : StartedHostFixture<IUploadJobHost>;

/// <summary>The local host: <c>portable run</c>, the upload through <c>PUT /_local/buckets/uploads/…</c>, delivered again through <c>POST /_local/object-events</c>.</summary>
public sealed class LocalUploadJobConformanceTests(LocalUploadJobConformanceTests.Host host, ITestOutputHelper output)
    : UploadJobConformanceTests(host, output), IClassFixture<LocalUploadJobConformanceTests.Host>
{
    public sealed class Host : UploadJobHostFixture
    {
        protected override Task<IUploadJobHost> StartAsync() => LocalUploadJobHost.StartAsync();
    }
}

/// <summary>AWS: PutObject to s3rver, its S3 notification invoked three times on the job-upload-starter Lambda; the worker on SQS, state in DynamoDB (dynalite).</summary>
public sealed class AwsUploadJobConformanceTests(AwsUploadJobConformanceTests.Host host, ITestOutputHelper output)
    : UploadJobConformanceTests(host, output), IClassFixture<AwsUploadJobConformanceTests.Host>
{
    /// <summary>Execution environments of the chunk worker.</summary>
    public const int WorkerEnvironments = 2;

    public sealed class Host : UploadJobHostFixture
    {
        protected override Task<IUploadJobHost> StartAsync() => AwsUploadJobHost.StartAsync(WorkerEnvironments);
    }
}

/// <summary>Google: a simple upload to the loopback Cloud Storage JSON API, its Eventarc finalized CloudEvent (binary mode) POSTed three times to the Cloud Run service; the worker behind Pub/Sub push, state in PostgreSQL.</summary>
public sealed class GcpUploadJobConformanceTests(GcpUploadJobConformanceTests.Host host, ITestOutputHelper output)
    : UploadJobConformanceTests(host, output), IClassFixture<GcpUploadJobConformanceTests.Host>
{
    /// <summary>Pushes in flight at most.</summary>
    public const int Pushes = 4;

    public sealed class Host : UploadJobHostFixture
    {
        protected override Task<IUploadJobHost> StartAsync() => GcpUploadJobHost.StartAsync(Pushes);
    }
}

/// <summary>Azure: a blob upload to Azurite, delivered by the Functions host emulator's blob scan to the blobTrigger and redelivered twice; the worker's queueTrigger on Storage queues, state in Table Storage.</summary>
public sealed class AzureUploadJobConformanceTests(AzureUploadJobConformanceTests.Host host, ITestOutputHelper output)
    : UploadJobConformanceTests(host, output), IClassFixture<AzureUploadJobConformanceTests.Host>
{
    /// <summary>Queue messages processed at once.</summary>
    public const int BatchSize = 16;

    public sealed class Host : UploadJobHostFixture
    {
        protected override Task<IUploadJobHost> StartAsync() => AzureUploadJobHost.StartAsync(BatchSize);
    }
}
