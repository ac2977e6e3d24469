using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Core.Schedules;
using Portable.Core.State;

namespace Portable.Testing.Tests.Context;

public sealed partial class FunctionContextBuilderTests
{
    [Fact]
    public void Build_Defaults_AnHttpInvocationOfTheTestFunction()
    {
        var builder = new FunctionContextBuilder();

        var context = builder.Build();

        Assert.Equal(FunctionContextBuilder.DefaultFunctionName, context.FunctionName);
        Assert.IsType<HttpTrigger>(context.Function.Trigger);
        Assert.Equal("GET", Assert.IsType<PortableHttpRequest>(context.Input).Method);
        Assert.Equal(1, context.DeliveryCount);
        Assert.Equal(CloudProvider.Local, context.Cloud);
        Assert.Null(context.Deadline);
        Assert.Null(context.RemainingTime);
        Assert.False(context.IsColdStart);
        Assert.Same(builder.Clock, context.TimeProvider);
        Assert.Equal(TestClock.Start, context.TimeProvider.GetUtcNow());
        Assert.False(context.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public void Build_WithMessage_QueueTriggerOnItsSourceAndItsDeliveryCount()
    {
        var message = MessageBuilder.Json("{}").From("orders").WithDeliveryCount(4).Build();

        var context = new FunctionContextBuilder().WithMessage(message).Build();

        Assert.Equal("orders", Assert.IsType<QueueTrigger>(context.Function.Trigger).Queue);
        Assert.Equal(4, context.DeliveryCount);
        Assert.Same(message, context.Input);
    }

    [Fact]
    public void Build_WithTick_ScheduleTriggerAndTheTickAsInput()
    {
        var builder = new FunctionContextBuilder();
        var tick = new ScheduledInvocation { ScheduledTime = builder.Clock.GetUtcNow(), FiredAt = builder.Clock.GetUtcNow() };

        var context = builder.WithTick(tick).Build();

        Assert.Equal("timer", Assert.IsType<ScheduleTrigger>(context.Function.Trigger).Kind);
        Assert.Same(tick, context.Input);
        Assert.Equal(1, context.DeliveryCount);
    }

    [Fact]
    public void Build_DeliveryCountSet_WinsOverTheMessages()
    {
        var context = new FunctionContextBuilder().WithMessage(MessageBuilder.Json("{}").Build()).WithDeliveryCount(2).Build();

        Assert.Equal(2, context.DeliveryCount);
    }

    [Fact]
    public void Build_Deadline_CancelsWhenTheClockPassesIt()
    {
        var builder = new FunctionContextBuilder().WithDeadline(TimeSpan.FromSeconds(30));
        var context = builder.Build();

        Assert.Equal(TimeSpan.FromSeconds(30), context.RemainingTime);
        builder.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(context.CancellationToken.IsCancellationRequested);
        Assert.Equal(TimeSpan.FromSeconds(1), context.RemainingTime);
        builder.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(context.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public void Build_DeadlineAlreadyPassed_IsCancelled()
    {
        var context = new FunctionContextBuilder().WithDeadline(TestClock.Start.AddSeconds(-1)).Build();

        Assert.True(context.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public void Build_LinkedToken_CancelsTheContext()
    {
        using var caller = new CancellationTokenSource();
        var context = new FunctionContextBuilder().WithCancellation(caller.Token).Build();

        caller.Cancel();

        Assert.True(context.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public void Build_Facts_AreCarried()
    {
        var function = new FunctionDefinition("orders", new HttpTrigger([]));

        var context = new FunctionContextBuilder()
            .ForFunction(function)
            .WithInvocationId("inv-1")
            .WithCloud(CloudProvider.Gcp)
            .WithTrace("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "abc/1;o=1")
            .AsColdStart()
            .Build();

        Assert.Same(function, context.Function);
        Assert.Equal("inv-1", context.InvocationId);
        Assert.Equal(CloudProvider.Gcp, context.Cloud);
        Assert.StartsWith("00-0af7", context.TraceParent, StringComparison.Ordinal);
        Assert.Equal("abc/1;o=1", context.PlatformTraceId);
        Assert.True(context.IsColdStart);
    }

    [Fact]
    public void Build_Services_HoldTheClockAStoreLoggingAndWhatTheTestAdds()
    {
        var builder = new FunctionContextBuilder().WithServices(s => s.AddSingleton("extra"));

        var context = builder.Build();

        Assert.Same(builder.Clock, context.Services.GetRequiredService<TimeProvider>());
        Assert.IsType<InMemoryStateStore>(context.Services.GetRequiredService<IStateStore>());
        Assert.Equal("extra", context.Services.GetRequiredService<string>());
        context.Services.GetRequiredService<ILogger<FunctionContextBuilderTests>>().LogInformation("from a service");
        Assert.Contains(builder.Logs.Entries, e => e.Message == "from a service");
    }

    [Fact]
    public void Build_GivenServiceProvider_IsUsedAsIs()
    {
        using var services = new ServiceCollection().AddLogging().AddSingleton("mine").BuildServiceProvider();

        var context = new FunctionContextBuilder().WithServices(services).Build();

        Assert.Same(services, context.Services);
    }

    [Fact]
    public void Build_Logger_IsNamedAfterTheFunctionAndRecorded()
    {
        var builder = new FunctionContextBuilder().ForFunction(new FunctionDefinition("orders", new HttpTrigger([])));

        builder.Build().Logger.LogWarning("careful");

        var entry = Assert.Single(builder.Logs.Entries);
        Assert.Equal("Portable.Functions.orders", entry.Category);
        Assert.Equal(LogLevel.Warning, entry.Level);
    }

    [Fact]
    public void Build_WithFeature_IsOnTheContext()
    {
        var route = new HttpRoute("GET", RouteTemplate.Parse("/things/{id}"), _ => (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(200)));

        var context = new FunctionContextBuilder().WithFeature(new RouteMatch(route)).Build();

        Assert.Same(route, context.Features.Get<RouteMatch>()?.Route);
    }

    [Fact]
    public async Task Build_ForAHandlerCalledDirectly_GivesItEverythingItReads()
    {
        var builder = new FunctionContextBuilder();
        var message = MessageBuilder.Json("""{"n":1}""", "m-1").WithDeliveryCount(3).Build();
        var context = builder.WithMessage(message).WithDeadline(TimeSpan.FromSeconds(10)).Build();

        var result = await new PatienceFunction().HandleAsync(message, context, context.CancellationToken);

        Assert.Equal(MessageResult.Retry("delivery 3 with 00:00:10 left"), result);
        Assert.Contains(builder.Logs.Entries, e => e.Message == "m-1 on delivery 3");
    }

    /// <summary>A user's handler: reads the delivery count, the time left and logs.</summary>
    private sealed partial class PatienceFunction : IMessageFunction
    {
        public ValueTask<MessageResult> HandleAsync(IncomingMessage message, FunctionContext context, CancellationToken cancellationToken)
        {
            LogDelivery(context.Logger, message.Id, context.DeliveryCount);
            return ValueTask.FromResult(MessageResult.Retry($"delivery {context.DeliveryCount} with {context.RemainingTime} left"));
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "{MessageId} on delivery {Delivery}")]
        private static partial void LogDelivery(ILogger logger, string messageId, int delivery);
    }
}
