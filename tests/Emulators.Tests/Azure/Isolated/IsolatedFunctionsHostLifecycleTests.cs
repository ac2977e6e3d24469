using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portable.Emulators.Azure.Isolated;
using Xunit.Abstractions;

namespace Portable.Emulators.Tests.Azure.Isolated;

/// <summary>Start-up, shutdown and failure of the worker, and the options that change a host; each test starts its own.</summary>
public sealed class IsolatedFunctionsHostLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StopAsync_SendsWorkerTerminate_TheWorkerShutsDownAndExitsWithZero()
    {
        var host = await IsolatedWorkerApp.StartAsync(output);
        await using (host)
        {
            var clock = Stopwatch.StartNew();
            Assert.Equal(0, await host.StopAsync());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}: killed after the grace period rather than exited");
            Assert.Contains(host.Logs, l => l.Message.Contains("Application is shutting down", StringComparison.Ordinal));
            Assert.Equal(0, await host.StopAsync()); // a second stop answers the same
        }

        Assert.Equal(0, host.ExitCode);
    }

    [Fact]
    public async Task StartAsync_TimestampsTheWorkersLaunchAndItsLoadedFunctions_InOrder()
    {
        var before = Stopwatch.GetTimestamp();
        await using var host = await IsolatedWorkerApp.StartAsync(output);
        var after = Stopwatch.GetTimestamp();

        Assert.InRange(host.WorkerStartedTimestamp, before + 1, after);
        Assert.InRange(host.FunctionsLoadedTimestamp, host.WorkerStartedTimestamp + 1, after);
        Assert.NotEmpty(host.Functions);
    }

    [Fact]
    public async Task StartAsync_WorkerExitsAtStart_FailsQuicklyWithItsExitCodeAndOutput()
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<WorkerProcessException>(() => IsolatedWorkerApp.StartAsync(output, o => o with
        {
            Environment = new Dictionary<string, string> { ["ISOLATED_APP_EXIT_AT_START"] = "3" },
        }));

        Assert.Equal(3, error.ExitCode);
        Assert.Contains("exiting at start with code 3", error.Output, StringComparison.Ordinal);
        Assert.Contains("exit code 3", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task StartAsync_WorkerNeverConnects_FailsAtTheStartupTimeoutWithItsOutput()
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<WorkerProcessException>(() => IsolatedWorkerApp.StartAsync(output, o => o with
        {
            Environment = new Dictionary<string, string> { ["ISOLATED_APP_HANG_AT_START"] = "1" },
            StartupTimeout = TimeSpan.FromSeconds(6),
        }));

        Assert.Contains("StartStream", error.Summary, StringComparison.Ordinal);
        Assert.Contains("within the start-up timeout (6 s)", error.Summary, StringComparison.Ordinal);
        Assert.Contains("hanging before the host connection", error.Output, StringComparison.Ordinal);
        Assert.Null(error.ExitCode); // it was still running; the failed start killed it
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task StartAsync_WorkerAssemblyMissing_FailsWithDotnetsExitCode()
    {
        var app = Directory.CreateTempSubdirectory("portable-isolated-missing-").FullName;
        try
        {
            File.Copy(Path.Combine(IsolatedWorkerApp.Directory, "worker.config.json"), Path.Combine(app, "worker.config.json"));
            File.Copy(Path.Combine(IsolatedWorkerApp.Directory, "host.json"), Path.Combine(app, "host.json"));

            var error = await Assert.ThrowsAsync<WorkerProcessException>(() => IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions { AppDirectory = app }));

            Assert.NotNull(error.ExitCode);
            Assert.NotEqual(0, error.ExitCode);
            Assert.Contains("Portable.IsolatedWorkerApp.dll", error.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_NotAnApp_FailsBeforeStartingAnything()
    {
        var empty = Directory.CreateTempSubdirectory("portable-isolated-empty-").FullName;
        try
        {
            await Assert.ThrowsAsync<DirectoryNotFoundException>(() => IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions { AppDirectory = Path.Combine(empty, "absent") }));
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions { AppDirectory = empty }));
            Assert.Contains("worker.config.json", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task MethodNotAllowedFor405_RouteWithOtherMethods_Is405AndAnUnknownPathStill404()
    {
        await using var host = await IsolatedWorkerApp.StartAsync(output, o => o with { MethodNotAllowedFor405 = true });
        using var client = host.CreateClient();

        using var wrongMethod = await client.DeleteAsync("items");
        using var noRoute = await client.DeleteAsync("nothing-here");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
    }

    [Fact]
    public async Task RoutePrefix_Option_OverridesHostJson()
    {
        await using var host = await IsolatedWorkerApp.StartAsync(output, o => o with { RoutePrefix = "/api/" });
        using var client = host.CreateClient();

        using var prefixed = await client.GetAsync("api/echo/x");
        using var bare = await client.GetAsync("echo/x");

        Assert.Equal("api", host.RoutePrefix);
        Assert.Equal(HttpStatusCode.OK, prefixed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bare.StatusCode);
    }

    [Fact]
    public async Task RunTimerSchedules_ClockPassesTheNextOccurrence_TheTimerFunctionRuns()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 4, 58, TimeSpan.Zero));
        await using var host = await IsolatedWorkerApp.StartAsync(output, o => o with { TimeProvider = time, RunTimerSchedules = true });
        await Task.Delay(200);
        Assert.DoesNotContain(host.Logs, l => l.Message.StartsWith("tick", StringComparison.Ordinal));

        time.Advance(TimeSpan.FromSeconds(3)); // past 10:05:00

        var tick = await host.WaitForLogAsync(l => l.Message.StartsWith("tick", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.StartsWith("tick pastDue=False next=2026-03-01T10:10:00", tick.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcHooks_ExtraServicesAndEndpoints_AreServedOnTheHostsGrpcServer()
    {
        await using var host = await IsolatedWorkerApp.StartAsync(output, o => o with
        {
            ConfigureGrpcServices = services => services.AddSingleton(new ProbeAnswer("from the host's gRPC server")),
            MapGrpcEndpoints = endpoints => endpoints.MapGet("/probe", (ProbeAnswer answer) => answer.Text),
        });

        // HTTP/2 with prior knowledge, as a gRPC client talks to the server (cleartext, no ALPN).
        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var answer = await client.GetStringAsync(new Uri(host.GrpcAddress, "probe"));

        Assert.Equal("from the host's gRPC server", answer);
        Assert.Equal("127.0.0.1", host.GrpcAddress.Host);
    }

    [Fact]
    public async Task WorkerCrashes_PendingAndLaterInvocationsFailWithItsExitCode()
    {
        await using var host = await IsolatedWorkerApp.StartAsync(output);
        using var client = host.CreateClient();
        var slow = client.GetAsync("slow");
        await host.WaitForLogAsync(l => l.Message == "slow started", TimeSpan.FromSeconds(15));

        host.WorkerProcess!.Kill();

        using var answer = await slow.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        var error = await Assert.ThrowsAsync<WorkerProcessException>(() => host.InvokeAsync("Work", "after the crash"));
        Assert.Equal(137, error.ExitCode); // SIGKILL
    }

    private sealed record ProbeAnswer(string Text);
}
