using System.Net;
using System.Net.Sockets;
using Portable.Emulators.Processes;

namespace Portable.Emulators.Tests.Processes;

/// <summary>The one child-process wrapper, driven through small <c>sh</c> scripts.</summary>
public sealed class ChildProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static ChildProcess Shell(string script, IReadOnlyDictionary<string, string?>? environment = null, int maxLines = ChildProcessOptions.DefaultMaxOutputLines, string? workingDirectory = null) =>
        ChildProcess.Start(new ChildProcessOptions
        {
            FileName = "/bin/sh",
            Arguments = ["-c", script],
            Environment = environment ?? new Dictionary<string, string?>(),
            MaxOutputLines = maxLines,
            WorkingDirectory = workingDirectory,
            Name = "the script",
        });

    [Fact]
    public async Task Start_StdoutAndStderr_KeptInOrderWithTheirStream()
    {
        // Two pipes: the order across them is only the order in time.
        await using var process = Shell("echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three; exit 3");

        Assert.Equal(3, await process.WaitForExitAsync(Patience));
        Assert.Equal(["one", "two", "three"], process.OutputLines);
        Assert.Equal([false, true, false], process.Lines.Select(l => l.IsError));
        Assert.Equal("one\nthree", process.StandardOutput);
        Assert.Equal("two", process.StandardError);
        Assert.Equal(3, process.ExitCode);
        Assert.True(process.HasExited);
    }

    [Fact]
    public async Task Start_EnvironmentAndWorkingDirectory_SetAndRemovedAsGiven()
    {
        var folder = Directory.CreateTempSubdirectory("portable-child-").FullName;
        try
        {
            Environment.SetEnvironmentVariable("PORTABLE_CHILD_TEST_INHERITED", "inherited");
            await using var process = Shell(
                "echo \"set=$PORTABLE_CHILD_TEST_SET removed=${PORTABLE_CHILD_TEST_INHERITED:-none} cwd=$(pwd)\"",
                new Dictionary<string, string?> { ["PORTABLE_CHILD_TEST_SET"] = "yes", ["PORTABLE_CHILD_TEST_INHERITED"] = null },
                workingDirectory: folder);

            await process.WaitForExitAsync(Patience);
            Assert.Equal($"set=yes removed=none cwd={folder}", process.StandardOutput);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PORTABLE_CHILD_TEST_INHERITED", null);
            Directory.Delete(folder);
        }
    }

    [Fact]
    public async Task Output_MoreLinesThanKept_KeepsTheLatestAndCountsAll()
    {
        await using var process = Shell("i=1; while [ $i -le 50 ]; do echo line$i; i=$((i+1)); done", maxLines: 10);

        await process.WaitForExitAsync(Patience);
        Assert.Equal(50, process.LineCount);
        Assert.Equal([.. Enumerable.Range(41, 10).Select(i => $"line{i}")], process.OutputLines);
        Assert.StartsWith("(40 earlier lines not kept)\nline41\n", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForLineAsync_LinePrinted_ReturnsIt()
    {
        await using var process = Shell("echo starting; sleep 0.2; echo 'Listening on 8080'; sleep 30");

        var line = await process.WaitForLineAsync("Listening on", Patience);

        Assert.Equal("Listening on 8080", line);
        Assert.Equal(line, await process.WaitForLineAsync("Listening on", Patience)); // already kept: found at once
    }

    [Fact]
    public async Task WaitForLineAsync_ExitsWithoutTheLine_FailsWithExitCodeAndOutput()
    {
        await using var process = Shell("echo 'bad configuration' >&2; exit 2");

        var ex = await Assert.ThrowsAsync<ChildProcessException>(() => process.WaitForLineAsync("Listening on", Patience));

        Assert.Equal(2, ex.ExitCode);
        Assert.Contains("the script exited with code 2 without printing a line containing 'Listening on'.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bad configuration", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForLineAsync_LastLineBeforeExit_Found()
    {
        await using var process = Shell("echo ready; exit 0");

        Assert.Equal("ready", await process.WaitForLineAsync("ready", Patience));
    }

    [Fact]
    public async Task WaitForLineAsync_Timeout_FailsWithOutput()
    {
        await using var process = Shell("echo 'still loading'; sleep 30");

        var ex = await Assert.ThrowsAsync<ChildProcessException>(() => process.WaitForLineAsync("Listening on", TimeSpan.FromMilliseconds(300)));

        Assert.Contains("the script did not print a line containing 'Listening on' within 0.3 s.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("still loading", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.ExitCode);
    }

    [Fact]
    public async Task WaitForPortsAsync_Listening_ReturnsElseTimesOut()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var listening = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var process = Shell("sleep 30");

        await process.WaitForPortsAsync([listening], Patience);

        var ex = await Assert.ThrowsAsync<ChildProcessException>(() => process.WaitForPortsAsync([FreePort()], TimeSpan.FromMilliseconds(300)));
        Assert.Contains("the script was not listening on 127.0.0.1:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForHttpAsync_ExitsFirst_FailsWithExitCode()
    {
        await using var process = Shell("echo 'no port' >&2; exit 1");
        var url = new Uri($"http://127.0.0.1:{FreePort()}/");

        var ex = await Assert.ThrowsAsync<ChildProcessException>(() => process.WaitForHttpAsync(url, Patience));

        Assert.Contains($"the script exited with code 1 before answering GET {url}.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no port", ex.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitUntilAsync_ReadinessFails_FailsWithTheCause()
    {
        await using var process = Shell("sleep 30");

        var ex = await Assert.ThrowsAsync<ChildProcessException>(() =>
            process.WaitUntilAsync("ready", _ => Task.FromException(new IOException("probe broke")), Patience));

        Assert.Contains("waiting until ready failed: probe broke", ex.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(ex.InnerException);
    }

    [Fact]
    public async Task Terminate_ProcessTrapsSigterm_ExitsAsItChooses()
    {
        await using var process = Shell("trap 'echo got TERM; exit 7' TERM; echo ready; while true; do sleep 0.05; done");
        await process.WaitForLineAsync("ready", Patience);

        process.Terminate();

        Assert.Equal(7, await process.WaitForExitAsync(Patience));
        Assert.Contains("got TERM", process.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_Running_KillsTheWholeTree()
    {
        var process = Shell("sleep 60 & echo child $!; wait");
        var line = await process.WaitForLineAsync("child ", Patience);
        var child = int.Parse(line["child ".Length..], System.Globalization.CultureInfo.InvariantCulture);

        await process.DisposeAsync();

        await AssertGoneAsync(child);
    }

    [Fact]
    public async Task Kill_Running_ExitsAtOnce()
    {
        await using var process = Shell("trap '' TERM; echo ready; sleep 60");
        await process.WaitForLineAsync("ready", Patience);

        process.Kill();

        Assert.Equal(128 + ChildProcess.SigKill, await process.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_ThrowsWithOutput()
    {
        var ok = await ChildProcess.RunAsync(new ChildProcessOptions { FileName = "/bin/sh", Arguments = ["-c", "echo fine"] }, Patience);
        var ex = await Assert.ThrowsAsync<ChildProcessException>(() =>
            ChildProcess.RunAsync(new ChildProcessOptions { FileName = "/bin/sh", Arguments = ["-c", "echo broken >&2; exit 4"], Name = "the tool" }, Patience));

        Assert.Equal("fine", ok);
        Assert.Equal(4, ex.ExitCode);
        Assert.Contains("the tool exited with code 4.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("broken", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_NoSuchExecutable_FailsClearly()
    {
        var ex = Assert.Throws<ChildProcessException>(() => ChildProcess.Start(new ChildProcessOptions { FileName = "portable-no-such-tool" }));

        Assert.Contains("could not start 'portable-no-such-tool'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Is it installed and on PATH?", ex.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task AssertGoneAsync(int pid)
    {
        // Gone, or a zombie nobody has reaped yet: either way it no longer runs.
        static bool Running(int pid)
        {
            try
            {
                return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        }

        using var patience = new CancellationTokenSource(Patience);
        while (Running(pid))
        {
            await Task.Delay(20, patience.Token);
        }
    }
}
