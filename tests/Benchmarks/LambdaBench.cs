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

    public async Task<WarmRun> WarmAsync(Variant variant, CancellationToken cancellationToken)
    {
        await using var emulator = await LambdaRuntimeApiEmulator.StartAsync(cancellationToken: cancellationToken);
        var first = emulator.InvokeAsync(Invocation(ApiGatewayEvents.ListOneItem), cancellationToken);
        await using var function = Start(variant, emulator);
        await FirstAnswerAsync(first, function, variant, cancellationToken);
        if (Failure(await emulator.InvokeAsync(Invocation(ApiGatewayEvents.CreateItem), cancellationToken)) is { } createFailed)
        {
            throw new InvalidOperationException($"{variant.Name}: POST /items failed: {createFailed}");
        }

        async Task<string?> ListAsync() => Failure(await emulator.InvokeAsync(Invocation(ApiGatewayEvents.ListOneItem), CancellationToken.None));
        if (options.WarmUp > TimeSpan.Zero)
        {
            await LoadLoop.RunAsync(ListAsync, options.Concurrency, options.WarmUp);
        }

        var cpuBefore = await ProcessCpu.ProcessTimeAsync(function.Id, cancellationToken);
        var load = await LoadLoop.RunAsync(ListAsync, options.Concurrency, options.Duration);
        var cpu = await ProcessCpu.ProcessTimeAsync(function.Id, cancellationToken) - cpuBefore;
        var peak = await ProcessMemory.PeakRssMbAsync(function.Id, cancellationToken);
        return new WarmRun(load, peak, function.LineCount, cpu);
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

    private static string Tail(ChildProcess function) => string.Join('\n', function.OutputLines.TakeLast(30));

    private static string? Failure(LambdaInvocationResult result) =>
        !result.IsSuccess ? $"{result.Outcome} {result.ErrorType} {result.ErrorBodyText}"
        : !ApiGatewayEvents.IsSuccess(result.Payload.Span, out var status) ? $"statusCode {status}: {result.PayloadText}"
        : null;
}
