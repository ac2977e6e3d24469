using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;

namespace Portable.Aws.Tests.Events;

/// <summary>The adapter picks one mapper per trigger kind at start-up, from a list; a trigger no mapper serves fails the init.</summary>
public class LambdaTriggerMapperTests
{
    // A trigger kind Core might add (a schedule) that the Lambda adapter has no mapper for yet.
    private sealed record ScheduleTrigger(string Cron) : FunctionTrigger
    {
        public override string Kind => "timer";

        public override FunctionExecutionDelegate Bind(IServiceProvider services) => _ => ValueTask.CompletedTask;
    }

    // What adding that kind to the adapter takes: one mapper class (and one list entry).
    private sealed class ScheduleTriggerMapper : LambdaTriggerMapper<ScheduleTrigger>
    {
        public override string Description => "schedule (EventBridge)";

        protected override LambdaEventHandler Bind(FunctionDefinition function, ScheduleTrigger trigger, IServiceProvider services, Microsoft.Extensions.Logging.ILogger logger) =>
            (_, _) => ValueTask.FromResult(LambdaAnswer.Respond("{}"u8.ToArray()));
    }

    private static FunctionManifest Manifest() => new FunctionManifestBuilder()
        .AddHttp("web", r => r.Map("GET", "/x", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(200))))
        .AddQueue("worker", "jobs", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
        .Add(new FunctionDefinition("nightly", new ScheduleTrigger("0 3 * * ? *")))
        .Build();

    [Theory]
    [InlineData("web", typeof(HttpTriggerMapper))]
    [InlineData("worker", typeof(QueueTriggerMapper))]
    public void TryResolveHandler_ServedTrigger_PicksItsMapperFromTheDefaultList(string handler, Type expected)
    {
        Assert.True(LambdaBootstrap.TryResolveHandler(handler, Manifest(), LambdaTriggerMapper.Default, out var function, out var mapper, out _));

        Assert.Equal(handler, function.Name);
        Assert.IsType(expected, mapper);
    }

    [Fact]
    public void TryResolveHandler_UnsupportedTrigger_ReturnsInitErrorNamingTheSupportedKinds()
    {
        Assert.False(LambdaBootstrap.TryResolveHandler("nightly", Manifest(), out _, out var error));

        Assert.Equal(LambdaBootstrap.UnsupportedHandlerType, error.ErrorType);
        Assert.Contains("'nightly'", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(nameof(ScheduleTrigger), error.ErrorMessage, StringComparison.Ordinal);
        foreach (var mapper in LambdaTriggerMapper.Default)
        {
            Assert.Contains(mapper.Description, error.ErrorMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryResolveHandler_ListWithAMapperForTheNewKind_ServesIt()
    {
        LambdaTriggerMapper[] mappers = [.. LambdaTriggerMapper.Default, new ScheduleTriggerMapper()];

        Assert.True(LambdaBootstrap.TryResolveHandler("nightly", Manifest(), mappers, out _, out var mapper, out _));
        Assert.IsType<ScheduleTriggerMapper>(mapper);
    }

    [Fact]
    public void TryResolveHandler_EmptyList_NamesNoKindAndFails()
    {
        Assert.False(LambdaBootstrap.TryResolveHandler("web", Manifest(), [], out _, out _, out var error));
        Assert.Equal(LambdaBootstrap.UnsupportedHandlerType, error.ErrorType);
    }

    [Fact]
    public void Find_FirstServingMapperWins()
    {
        var trigger = Manifest().Find("worker")!.Trigger;

        Assert.IsType<QueueTriggerMapper>(LambdaTriggerMapper.Find(LambdaTriggerMapper.Default, trigger));
        Assert.Null(LambdaTriggerMapper.Find([new HttpTriggerMapper()], trigger));
    }

    [Fact]
    public void Bind_FunctionOfAnotherKind_Throws()
    {
        using var services = new ServiceCollection().BuildServiceProvider();

        Assert.Throws<ArgumentException>(() => new HttpTriggerMapper().Bind(Manifest().Find("worker")!, services, NullLogger.Instance));
    }
}
