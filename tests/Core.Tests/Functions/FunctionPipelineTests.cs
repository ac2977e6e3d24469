using Portable.Core.Functions;
using Portable.Testing;

namespace Portable.Core.Tests.Functions;

public sealed class FunctionPipelineTests
{
    private static FunctionContext Context() => new FunctionContextBuilder().Build();

    [Fact]
    public async Task Build_SeveralSteps_RunInOrderAroundTerminal()
    {
        var trace = new List<string>();
        var pipeline = new FunctionPipelineBuilder()
            .Use(next => async c => { trace.Add("a>"); await next(c); trace.Add("<a"); })
            .Use(next => async c => { trace.Add("b>"); await next(c); trace.Add("<b"); })
            .Build(c => { trace.Add("handler"); return ValueTask.CompletedTask; });
        await pipeline(Context());
        Assert.Equal(["a>", "b>", "handler", "<b", "<a"], trace);
    }

    [Fact]
    public async Task UseWhen_PredicateFalse_SkipsMiddleware()
    {
        var middleware = new CountingMiddleware();
        var pipeline = new FunctionPipelineBuilder().UseWhen(_ => false, middleware).Build(_ => ValueTask.CompletedTask);
        await pipeline(Context());
        Assert.Equal(0, middleware.Calls);
    }

    [Fact]
    public async Task UseWhen_PredicateTrue_RunsMiddleware()
    {
        var middleware = new CountingMiddleware();
        var pipeline = new FunctionPipelineBuilder().UseWhen(_ => true, middleware).Build(_ => ValueTask.CompletedTask);
        await pipeline(Context());
        Assert.Equal(1, middleware.Calls);
    }

    private sealed class CountingMiddleware : IFunctionMiddleware
    {
        public int Calls { get; private set; }

        public ValueTask InvokeAsync(FunctionContext context, FunctionExecutionDelegate next)
        {
            Calls++;
            return next(context);
        }
    }
}
