using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Invocation;

/// <summary>What the engine does for every trigger — metrics, logging scope, typed features — seen through the kit's host.</summary>
public sealed partial class InvocationEngineTests
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Handling {Path}")]
    private static partial void LogHandling(ILogger logger, string path);

    [Fact]
    public async Task HttpInvocations_AreCountedByFunctionTriggerAndOutcome()
    {
        using var metrics = new PortableMeasurements("counted-http");
        var manifest = new FunctionManifestBuilder()
            .AddHttp("counted-http", r => r
                .Map("GET", "/ok", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(200)))
                .Map("GET", "/boom", (_, _, _) => throw new InvalidOperationException("boom")))
            .Build();
        await using var host = new FunctionTestHost(manifest);

        await host.SendAsync("GET", "/ok");
        await host.SendAsync("GET", "/ok");
        await host.SendAsync("GET", "/boom");

        var invocations = metrics.Of("portable.invocations");
        Assert.Equal(3, invocations.Sum(m => m.Value));
        Assert.All(invocations, m => Assert.Equal("http", m.Tags["faas.trigger"]));
        Assert.Equal(["Error", "Success", "Success"], invocations.Select(m => (string)m.Tags["outcome"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task HttpColdStart_IsCountedOncePerHost()
    {
        using var metrics = new PortableMeasurements("cold-http");
        var manifest = new FunctionManifestBuilder()
            .AddHttp("cold-http", r => r.Map("GET", "/warm", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(204))))
            .Build();
        await using var host = new FunctionTestHost(manifest);

        await host.SendAsync("GET", "/warm");
        await host.SendAsync("GET", "/warm");

        var coldStart = Assert.Single(metrics.Of("portable.cold_starts"));
        Assert.Equal(1, coldStart.Value);
        Assert.Equal("http", coldStart.Tags["faas.trigger"]);
    }

    [Fact]
    public async Task QueueInvocations_AreCountedPerMessageWithTheirOutcome()
    {
        using var metrics = new PortableMeasurements("counted-queue");
        var manifest = new FunctionManifestBuilder()
            .AddQueue("counted-queue", "counted", (m, _, _) => ValueTask.FromResult(
                m.Id == "bad" ? MessageResult.DeadLetter("bad") : m.Id == "later" ? MessageResult.Retry("later") : MessageResult.Success))
            .Build();
        await using var host = new FunctionTestHost(manifest);

        await host.DeliverAsync("counted", MessageBuilder.Json("{}", "ok").Build(), MessageBuilder.Json("{}", "later").Build(), MessageBuilder.Json("{}", "bad").Build());

        Assert.Equal(
            ["DeadLetter", "Retry", "Success"],
            metrics.Of("portable.invocations").Select(m => (string)m.Tags["outcome"]!).Order(StringComparer.Ordinal));
        Assert.All(metrics.Of("portable.invocations"), m => Assert.Equal("pubsub", m.Tags["faas.trigger"]));
        Assert.Single(metrics.Of("portable.cold_starts"));
        Assert.Single(metrics.Of("portable.dead_lettered"));
    }

    [Fact]
    public async Task LoggingScope_CarriesFunctionNameAndInvocationId()
    {
        var manifest = new FunctionManifestBuilder()
            .AddHttp("scoped", r => r.Map("GET", "/scoped", (request, context, _) =>
            {
                LogHandling(context.Logger, request.Path);
                return ValueTask.FromResult(PortableHttpResponse.Empty(204));
            }))
            .Build();
        await using var host = new FunctionTestHost(manifest);

        await host.SendAsync(HttpRequestBuilder.Get("/scoped"), new InvocationInfo(InvocationId: "inv-42"));

        var entry = Assert.Single(host.Logs.WithEventId(9001));
        Assert.Equal("Portable.Functions.scoped", entry.Category);
        AssertScope(entry, "scoped", "inv-42");
        Assert.Equal("/scoped", entry.Values["Path"]);
    }

    [Fact]
    public async Task LoggingScope_CoversTheEnginesOwnFaultLog()
    {
        var manifest = new FunctionManifestBuilder()
            .AddHttp("faulty", r => r.Map("GET", "/faulty", (_, _, _) => throw new InvalidOperationException("kaput")))
            .Build();
        await using var host = new FunctionTestHost(manifest);

        await host.SendAsync(HttpRequestBuilder.Get("/faulty"), new InvocationInfo(InvocationId: "inv-7"));

        var fault = Assert.Single(host.Logs.WithEventId(1001));
        Assert.Equal("Portable.Invocation", fault.Category);
        AssertScope(fault, "faulty", "inv-7");
    }

    [Fact]
    public async Task QueueInvocation_ScopeCarriesTheMessagesInvocationId()
    {
        var manifest = new FunctionManifestBuilder()
            .AddQueue("scoped-queue", "scoped", (m, context, _) =>
            {
                LogHandling(context.Logger, m.Id);
                return ValueTask.FromResult(MessageResult.Success);
            })
            .Build();
        await using var host = new FunctionTestHost(manifest);

        await host.DeliverAsync("scoped", [MessageBuilder.Json("{}", "m-1").Build()], new InvocationInfo(InvocationId: "batch-1"));

        AssertScope(Assert.Single(host.Logs.WithEventId(9001)), "scoped-queue", "batch-1/m-1");
    }

    [Fact]
    public async Task HttpInvocation_ContextCarriesTheRouteMatchFeature()
    {
        RouteMatch? matched = null;
        var manifest = new FunctionManifestBuilder()
            .AddHttp("routed", r => r
                .Map("GET", "/routed", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(204)))
                .Map("GET", "/routed/{id}", (_, context, _) =>
                {
                    matched = context.Features.Get<RouteMatch>();
                    return ValueTask.FromResult(PortableHttpResponse.Empty(204));
                }))
            .Build();
        await using var host = new FunctionTestHost(manifest);

        await host.SendAsync("GET", "/routed/7");

        Assert.NotNull(matched);
        Assert.Same(((HttpTrigger)manifest.Functions[0].Trigger).Routes[1], matched.Route);
    }

    [Fact]
    public async Task QueueInvocation_ContextCarriesNoRouteMatch()
    {
        var seen = true;
        var manifest = new FunctionManifestBuilder()
            .AddQueue("unrouted", "unrouted", (_, context, _) =>
            {
                seen = context.Features.Get<RouteMatch>() is not null;
                return ValueTask.FromResult(MessageResult.Success);
            })
            .Build();
        await using var host = new FunctionTestHost(manifest);

        await host.DeliverOneAsync("unrouted", MessageBuilder.Json("{}").Build());

        Assert.False(seen);
    }

    private static void AssertScope(LogEntry entry, string functionName, string invocationId)
    {
        Assert.Equal(functionName, entry.ScopeValues["FunctionName"]);
        Assert.Equal(invocationId, entry.ScopeValues["InvocationId"]);
    }

    /// <summary>
    /// Listens to the <c>Portable</c> meter, keeping only one function's measurements: the counters are process-wide
    /// and other tests run in parallel, so each test here names its function uniquely.
    /// </summary>
    private sealed class PortableMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, long Value, IReadOnlyDictionary<string, object?> Tags)> _measurements = new();

        public PortableMeasurements(string functionName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PortableMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, tagValue) in tags)
                {
                    copy[key] = tagValue;
                }

                if (Equals(copy.GetValueOrDefault("faas.name"), functionName))
                {
                    _measurements.Enqueue((instrument.Name, value, copy));
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<(string Instrument, long Value, IReadOnlyDictionary<string, object?> Tags)> Of(string instrument) =>
            [.. _measurements.Where(m => m.Instrument == instrument)];

        public void Dispose() => _listener.Dispose();
    }
}
