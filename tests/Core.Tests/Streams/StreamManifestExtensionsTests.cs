using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Streams;
using Portable.Testing;

namespace Portable.Core.Tests.Streams;

public sealed class StreamManifestExtensionsTests
{
    private sealed class Recorder : IStreamFunction
    {
        public List<string> Seen { get; } = [];

        public ValueTask HandleAsync(StreamRecord record, FunctionContext context, CancellationToken cancellationToken)
        {
            Seen.Add(Encoding.UTF8.GetString(record.Data.Span));
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task AddStreamFunction_TypedFunction_IsResolvedFromTheHostServices()
    {
        var manifest = new FunctionManifestBuilder().AddStreamFunction<Recorder>("changes", "items-table").Build();
        using var host = new FunctionTestHost(manifest, services => services.AddSingleton<Recorder>());
        var invoker = host.Services.GetRequiredService<StreamInvoker>();

        var result = await invoker.InvokeAsync(
            invoker.GetFunction("changes"),
            [new StreamRecord { PartitionKey = "k", SequenceNumber = "1", Data = "hello"u8.ToArray(), Source = "items-table" }],
            default,
            CancellationToken.None);

        Assert.True(result.IsSettled);
        Assert.Equal(["hello"], host.Services.GetRequiredService<Recorder>().Seen);
    }

    [Fact]
    public void AddStreamFunction_DeclaresADatasourceTriggerWithTheDefaultBatchOf100()
    {
        var manifest = new FunctionManifestBuilder().AddStreamFunction("changes", "items.table_v2", (_, _, _) => ValueTask.CompletedTask).Build();

        var (_, trigger) = Assert.Single(manifest.FunctionsOf<StreamTrigger>());
        Assert.Equal("datasource", trigger.Kind);
        Assert.Equal("items.table_v2", trigger.Stream);
        Assert.Equal(100, trigger.Options.BatchSize);
        Assert.Equal(System.Diagnostics.ActivityKind.Consumer, trigger.ActivityKind);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1stream")]
    [InlineData("has space")]
    [InlineData("slash/no")]
    public void AddStreamFunction_NameNotValidEverywhere_Throws(string stream)
    {
        var error = Assert.Throws<ArgumentException>(() => new FunctionManifestBuilder().AddStreamFunction("fn", stream, (_, _, _) => ValueTask.CompletedTask));

        Assert.Contains($"'{stream}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddStreamFunction_NameLongerThan128_Throws() =>
        Assert.Throws<ArgumentException>(() => new FunctionManifestBuilder().AddStreamFunction("fn", "s" + new string('x', 128), (_, _, _) => ValueTask.CompletedTask));

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void AddStreamFunction_BatchSizeOutOfRange_Throws(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FunctionManifestBuilder().AddStreamFunction(
            "fn", "stream", (_, _, _) => ValueTask.CompletedTask, new StreamTriggerOptions { BatchSize = size }));
}
