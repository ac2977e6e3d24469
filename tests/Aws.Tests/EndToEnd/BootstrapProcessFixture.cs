using Portable.Emulators.Aws;
using Portable.Emulators.Processes;

namespace Portable.Aws.Tests.EndToEnd;

/// <summary>The real bootstrap (built beside the tests) running as a child process against the Runtime API emulator.</summary>
public sealed class BootstrapProcessFixture : IAsyncLifetime
{
    /// <summary>Bounds every wait on the child process, so a broken bootstrap fails the test instead of hanging it.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The bootstrap in src/Aws's own output: the test folder also holds ASP.NET Core's dependencies, which a Lambda package never has.</summary>
    public static string BootstrapPath => Portable.TestKit.RepoPaths.BuildOutput("src/Aws", "bootstrap.dll");

    public LambdaRuntimeApiEmulator Lambda { get; private set; } = null!;

    public ChildProcess Function { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Lambda = await LambdaRuntimeApiEmulator.StartAsync();
        Function = LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions { BootstrapPath = BootstrapPath, RuntimeApi = Lambda.RuntimeApi });
        await Function.WaitUntilPollingAsync(Lambda, StartupTimeout);
    }

    public async Task DisposeAsync()
    {
        await Function.DisposeAsync();
        await Lambda.DisposeAsync();
    }
}
