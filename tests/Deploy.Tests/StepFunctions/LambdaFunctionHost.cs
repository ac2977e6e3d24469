using Portable.Emulators.Aws;
using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// One Lambda function as AWS runs it: the real bootstrap (src/Aws's build output) with <c>_HANDLER</c> set, polling
/// its own Runtime API emulator.
/// </summary>
public sealed class LambdaFunctionHost : IAsyncDisposable
{
    private LambdaFunctionHost(LambdaRuntimeApiEmulator runtimeApi, ChildProcess function)
    {
        RuntimeApi = runtimeApi;
        Function = function;
    }

    /// <summary>The bootstrap of src/Aws, framework-dependent (run under <c>dotnet</c>).</summary>
    public static string Bootstrap => RepoPaths.BuildOutput("src/Aws", "bootstrap.dll");

    /// <summary>The Runtime API the bootstrap polls.</summary>
    public LambdaRuntimeApiEmulator RuntimeApi { get; }

    /// <summary>The bootstrap process.</summary>
    public ChildProcess Function { get; }

    /// <summary>Starts the Runtime API and the bootstrap serving <paramref name="handler"/> with <paramref name="environment"/>, and waits until it polls.</summary>
    /// <exception cref="ChildProcessException">The bootstrap exited or did not poll within a minute.</exception>
    public static async Task<LambdaFunctionHost> StartAsync(string handler, IReadOnlyDictionary<string, string?> environment)
    {
        var runtimeApi = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = handler });
        try
        {
            var function = LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
            {
                BootstrapPath = Bootstrap,
                RuntimeApi = runtimeApi.RuntimeApi,
                Handler = handler,
                Environment = new Dictionary<string, string?>(environment, StringComparer.Ordinal),
            });
            try
            {
                // Generous: several .NET processes start at once on a shared two-core machine.
                await function.WaitUntilPollingAsync(runtimeApi, TimeSpan.FromSeconds(60));
            }
            catch
            {
                await function.DisposeAsync();
                throw;
            }

            return new LambdaFunctionHost(runtimeApi, function);
        }
        catch
        {
            await runtimeApi.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the bootstrap and stops the Runtime API.</summary>
    public async ValueTask DisposeAsync()
    {
        await Function.DisposeAsync();
        await RuntimeApi.DisposeAsync();
    }
}
