using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Settings;
using Portable.Gcp.Triggers;

namespace Portable.Gcp.Tests.Triggers;

public sealed class CloudRunEndpointsTests
{
    private static readonly FunctionManifest Manifest = new FunctionManifestBuilder()
        .AddHttp("items-api", r => r.Map("GET", "/items", (_, _, _) => throw new NotSupportedException()))
        .AddQueue("ledger-writer", "payments", (_, _, _) => throw new NotSupportedException())
        .AddQueue("audit", "audits", (_, _, _) => throw new NotSupportedException())
        .Build();

    [Theory]
    [InlineData("/ledger-writer", "ledger-writer")]
    [InlineData("/ledger-writer/", "ledger-writer")]
    [InlineData("/audit", "audit")]
    [InlineData("/items", "http")]
    [InlineData("/ledger-writer/x", "http")]
    [InlineData("/Ledger-Writer", "http")]
    [InlineData("/", "http")]
    public void Find_WholeManifest_FunctionPathBeforeHttpRoutes(string path, string expected)
    {
        var endpoints = Bind(Manifest, functionTarget: false);

        Assert.Equal(expected, Served(endpoints.Find(new PathString(path))));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/projects/p/topics/payments")]
    [InlineData("/items")]
    public void Find_FunctionTargetAddressedByPath_ServesEveryPath(string path)
    {
        var endpoints = Bind(Manifest.Only("ledger-writer"), functionTarget: true);

        Assert.Equal("ledger-writer", Served(endpoints.Find(new PathString(path))));
    }

    [Fact]
    public void Find_NoHttpFunctionAndNoFunctionPath_IsNull()
    {
        var endpoints = Bind(new FunctionManifest(Manifest.Functions.Where(f => f.Trigger is QueueTrigger)), functionTarget: false);

        Assert.Null(endpoints.Find(new PathString("/items")));
    }

    [Fact]
    public void Choose_TriggerKindNoMapperServes_ThrowsNamingTheFunctionAndTheServedKinds()
    {
        var manifest = new FunctionManifestBuilder().Add(new FunctionDefinition("nightly", new TickTrigger())).Build();

        var e = Assert.Throws<SettingsException>(() => CloudRunEndpoints.Choose(manifest, functionTarget: false, CloudRunTriggerMapper.Default));

        Assert.StartsWith("Function 'nightly' has a TickTrigger ('timer'), which the Cloud Run host does not serve; it serves HTTP", e.Message, StringComparison.Ordinal);
        Assert.Contains("queue (Pub/Sub push", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_NewKindWithItsMapperInTheList_IsServedAtItsFunctionPath()
    {
        var manifest = new FunctionManifestBuilder().AddHttp("items-api", r => r.Map("GET", "/items", (_, _, _) => throw new NotSupportedException()))
            .Add(new FunctionDefinition("nightly", new TickTrigger())).Build();
        var plan = CloudRunEndpoints.Choose(manifest, functionTarget: false, [.. CloudRunTriggerMapper.Default, new TickMapper()]);

        using var services = new ServiceCollection().AddLogging().AddFunctionApp(new FunctionApp(manifest), _ => { }).BuildServiceProvider();

        var endpoints = plan.Bind(services, NullLogger.Instance);

        Assert.NotNull(endpoints.Find(new PathString("/nightly")));
        Assert.NotSame(endpoints.Find(new PathString("/nightly")), endpoints.Find(new PathString("/items")));
    }

    /// <summary>Binds through stand-in mappers whose endpoints say what they serve (the real ones need a container).</summary>
    private static CloudRunEndpoints Bind(FunctionManifest served, bool functionTarget) =>
        CloudRunEndpoints.Choose(served, functionTarget, [new Named<HttpTrigger>(byRoutes: true), new Named<QueueTrigger>(byRoutes: false)])
            .Bind(new ServiceCollection().BuildServiceProvider(), NullLogger.Instance);

    private static string? Served(CloudRunEndpoint? endpoint) => endpoint?.Target is Tag tag ? tag.Name : null;

    private sealed record Tag(string Name)
    {
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "An instance method, so the bound delegate's Target says which endpoint answered.")]
        public Task Answer(HttpContext context, Core.Invocation.InvocationInfo info) => Task.CompletedTask;
    }

    private sealed class Named<TTrigger>(bool byRoutes) : CloudRunTriggerMapper<TTrigger>
        where TTrigger : FunctionTrigger
    {
        public override string Description => typeof(TTrigger).Name;

        protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, TTrigger Trigger)> functions, IServiceProvider services, Microsoft.Extensions.Logging.ILogger log) =>
            byRoutes
                ? [CloudRunRoute.ByHttpRoutes(new Tag("http").Answer)]
                : functions.Select(f => CloudRunRoute.AtFunctionPath(f.Function, new Tag(f.Function.Name).Answer));
    }

    /// <summary>A trigger kind Core might add (a schedule), to show a new kind is one mapper and one list entry.</summary>
    private sealed record TickTrigger : FunctionTrigger
    {
        public override string Kind => "timer";

        public override FunctionExecutionDelegate Bind(IServiceProvider services) => _ => ValueTask.CompletedTask;
    }

    private sealed class TickMapper : CloudRunTriggerMapper<TickTrigger>
    {
        public override string Description => "schedule (Cloud Scheduler, POST /{function})";

        protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, TickTrigger Trigger)> functions, IServiceProvider services, Microsoft.Extensions.Logging.ILogger log) =>
            functions.Select(f => CloudRunRoute.AtFunctionPath(f.Function, (context, _) => Task.CompletedTask));
    }
}
