using System.Diagnostics;
using Portable.Emulators.Aws;
using Portable.Emulators.Processes;

namespace Portable.Benchmarks;

/// <summary>
/// Drives a published bootstrap through the project's own Runtime API emulator (src/Emulators/Aws), in this
/// process. A cold start queues the invocation first, then starts the process, and stops the clock when the
/// bootstrap's <c>/response</c> for it arrives. Warm load keeps <see cref="BenchmarkOptions.Concurrency"/>
/// invocations queued; the runtime itself takes them one at a time, as Lambda does.
/// </summary>
internal sealed class LambdaBench(string repoRoot, BenchmarkOptions options) : IHostBench
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public async Task<ColdStart> ColdStartAsync(Variant variant, CancellationToken cancellationToken)
    {
        await using var emulator = await LambdaRuntimeApiEmulator.StartAsync(cancellationToken: cancellationToken);
        var first = emulator.InvokeAsync(Invocation(ApiGatewayEvents.ListOneItem), cancellationToken); // queued before the process exists
        var clock = Stopwatch.StartNew();
        await using var function = Start(variant, emulator);
        var init = InitAsync(emulator, function, clock, cancellationToken);
        await FirstAnswerAsync(first, function, variant, cancellationToken);
        var elapsed = clock.Elapsed;
        return await ColdStart.ReadAsync(elapsed, function.Id, cancellationToken) with { Init = await init };
    }

    public async Task<IWarmSession> StartWarmAsync(Variant variant, CancellationToken cancellationToken)
    {
        var emulator = await LambdaRuntimeApiEmulator.StartAsync(cancellationToken: cancellationToken);
        ChildProcess? function = null;
        try
        {
            var first = emulator.InvokeAsync(Invocation(ApiGatewayEvents.ListOneItem), cancellationToken);
            function = Start(variant, emulator);
            await FirstAnswerAsync(first, function, variant, cancellationToken);
            if (Failure(await emulator.InvokeAsync(Invocation(ApiGatewayEvents.CreateItem), cancellationToken)) is { } createFailed)
            {
                throw new InvalidOperationException($"{variant.Name}: POST /items failed: {createFailed}");
            }

            return new WarmSession(emulator, function, options.Concurrency);
        }
        catch
        {
            if (function is not null)
            {
                await function.DisposeAsync();
            }

            await emulator.DisposeAsync();
            throw;
        }
    }

    // The end of the runtime's init is its first GET next; read its CPU then (the invocation it is handed may have begun).
    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> InitAsync(
        LambdaRuntimeApiEmulator emulator, ChildProcess function, Stopwatch clock, CancellationToken cancellationToken)
    {
        await emulator.WaitForRuntimeAsync(cancellationToken);
        var wall = clock.Elapsed;
        return (wall, await ProcessCpu.ThreadsOnCpuAsync(function.Id, cancellationToken));
    }

    private static LambdaInvocationRequest Invocation(byte[] apiGatewayEvent) => new() { Payload = apiGatewayEvent, Timeout = Patience };

    private ChildProcess Start(Variant variant, LambdaRuntimeApiEmulator emulator) => LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
    {
        BootstrapPath = variant.Executable(repoRoot),
        RuntimeApi = emulator.RuntimeApi,
        Handler = "items-api",
        FunctionName = "items-api",
        MemorySizeMb = 512,
        Environment = options.Environment.ToDictionary(e => e.Key, string? (e) => e.Value, StringComparer.Ordinal),
    });

    private static async Task<LambdaInvocationResult> FirstAnswerAsync(
        Task<LambdaInvocationResult> invocation, ChildProcess function, Variant variant, CancellationToken cancellationToken)
    {
        var exited = function.WaitForExitAsync(cancellationToken);
        if (await Task.WhenAny(invocation, exited) != invocation)
        {
            throw new ChildProcessException($"{variant.Name} exited ({function.ExitCode}) before answering.", Tail(function), function.ExitCode);
        }

        var result = await invocation;
        return Failure(result) is { } failure
            ? throw new ChildProcessException($"{variant.Name}: the first invocation failed: {failure}", Tail(function))
            : result;
    }

    /// <summary>The bootstrap and its emulator; the runtime takes the queued invocations one at a time, as on Lambda.</summary>
    private sealed class WarmSession(LambdaRuntimeApiEmulator emulator, ChildProcess function, int concurrency) : IWarmSession
    {
        public int ProcessId => function.Id;

        public long OutputLines => function.LineCount;

        public Task<LoadResult> LoadAsync(TimeSpan duration) =>
            LoadLoop.RunAsync(async () => Failure(await emulator.InvokeAsync(Invocation(ApiGatewayEvents.ListOneItem), CancellationToken.None)), concurrency, duration);

        public async ValueTask DisposeAsync()
        {
            await function.DisposeAsync();
            await emulator.DisposeAsync();
        }
    }

    private static string Tail(ChildProcess function) => string.Join('\n', function.OutputLines.TakeLast(30));

    private static string? Failure(LambdaInvocationResult result) =>
        !result.IsSuccess ? $"{result.Outcome} {result.ErrorType} {result.ErrorBodyText}"
        : !ApiGatewayEvents.IsSuccess(result.Payload.Span, out var status) ? $"statusCode {status}: {result.PayloadText}"
        : null;
}
