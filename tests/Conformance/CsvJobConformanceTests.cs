using Portable.Compare.Jobs;
using Portable.Conformance.Hosts;
using Portable.Conformance.Jobs;
using Xunit.Abstractions;

namespace Portable.Conformance;

/// <summary>
/// Issue 11's fan-out / fan-in proof on one host: the CSV job of <see cref="CsvJobScenario"/> (10,000 rows, every
/// chunk message delivered twice) ends with the exact totals, rows, chunk counts and rejected lines computed in the
/// test, the same on every host. Each host is its own class below, so the hosts run at once.
/// </summary>
public abstract class CsvJobConformanceTests(CsvJobHostFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task TenThousandRows_EveryChunkDeliveredTwice_ExactTotalsRowsChunksAndRejectedLines()
    {
        var host = await fixture.HostAsync();
        output.WriteLine($"{host.Name}: started in {fixture.Startup.TotalSeconds:0.0} s");

        var run = await CsvJobScenario.RunAsync(host);

        output.WriteLine($"{host.Name}: {host.Wiring}");
        output.WriteLine($"{host.Name}: job {run.JobId} of {CsvJobScenario.DataRows} rows ({CsvJobScenario.Csv.Length} bytes) accepted in {run.Accepted.TotalSeconds:0.0} s, "
            + $"completed at {run.Completed.TotalSeconds:0.0} s, every second delivery settled at {run.Settled.TotalSeconds:0.0} s");
        foreach (var line in run.Transcript)
        {
            output.WriteLine("  " + line);
        }

        if (ItemsScenario.Diff("the rows' own totals", CsvJobScenario.ExpectedTranscript, host.Name, run.Transcript) is { } difference)
        {
            Assert.Fail(difference);
        }
    }
}

/// <summary>Starts one CSV job host for a class's test and disposes it after.</summary>
public abstract class CsvJobHostFixture : StartedHostFixture<ICsvJobHost>;

/// <summary>The local host: <c>portable run</c>, the worker on its durable SQLite queue, each chunk message sent twice.</summary>
public sealed class LocalCsvJobConformanceTests(LocalCsvJobConformanceTests.Host host, ITestOutputHelper output)
    : CsvJobConformanceTests(host, output), IClassFixture<LocalCsvJobConformanceTests.Host>
{
    public sealed class Host : CsvJobHostFixture
    {
        protected override Task<ICsvJobHost> StartAsync() => LocalCsvJobHost.StartAsync();
    }
}

/// <summary>AWS: jobs-api and job-chunk-worker as separate Lambda bootstraps, SQS (every message delivered twice) and DynamoDB (dynalite) between them.</summary>
public sealed class AwsCsvJobConformanceTests(AwsCsvJobConformanceTests.Host host, ITestOutputHelper output)
    : CsvJobConformanceTests(host, output), IClassFixture<AwsCsvJobConformanceTests.Host>
{
    /// <summary>Execution environments of the worker: batches in flight at once.</summary>
    public const int WorkerEnvironments = 2;

    public sealed class Host : CsvJobHostFixture
    {
        protected override Task<ICsvJobHost> StartAsync() => AwsCsvJobHost.StartAsync(WorkerEnvironments);
    }
}

/// <summary>Google Cloud: one Cloud Run service, the worker behind a Pub/Sub push subscription (every message pushed twice), state in PostgreSQL.</summary>
public sealed class GcpCsvJobConformanceTests(GcpCsvJobConformanceTests.Host host, ITestOutputHelper output)
    : CsvJobConformanceTests(host, output), IClassFixture<GcpCsvJobConformanceTests.Host>
{
    /// <summary>Pushes in flight at once.</summary>
    public const int OutstandingPushes = 8;

    public sealed class Host : CsvJobHostFixture
    {
        protected override Task<ICsvJobHost> StartAsync() => GcpCsvJobHost.StartAsync(OutstandingPushes);
    }
}

/// <summary>Azure: the isolated worker under the Functions host emulator, the worker on a Storage queue (every message delivered twice), state in Table Storage (Azurite).</summary>
public sealed class AzureCsvJobConformanceTests(AzureCsvJobConformanceTests.Host host, ITestOutputHelper output)
    : CsvJobConformanceTests(host, output), IClassFixture<AzureCsvJobConformanceTests.Host>
{
    /// <summary>Queue messages the host processes at once.</summary>
    public const int BatchSize = 8;

    public sealed class Host : CsvJobHostFixture
    {
        protected override Task<ICsvJobHost> StartAsync() => AzureCsvJobHost.StartAsync(BatchSize);
    }
}
