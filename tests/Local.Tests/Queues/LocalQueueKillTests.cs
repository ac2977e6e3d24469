using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Portable.Core.Messaging;
using Portable.Emulators.Processes;
using Portable.Local.Queues;
using Portable.TestKit;

namespace Portable.Local.Tests.Queues;

/// <summary>The real `portable` process killed with SIGKILL in the middle of a run: nothing lost, nothing doubled.</summary>
public sealed class LocalQueueKillTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-queue-kill-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<(ChildProcess Process, HttpClient Client)> StartAsync()
    {
        var port = FreePort.Next();
        var process = ChildProcess.Start(ChildProcessOptions.Dotnet(
            Path.Combine(AppContext.BaseDirectory, "Portable.Local.dll"),
            "--port", port.ToString(CultureInfo.InvariantCulture), "--data", _dataDir, "--queue-visibility", "2") with
        {
            Environment = new Dictionary<string, string?> { ["PORT"] = null, [FaultInjectionVariable] = "0.1" },
            WorkingDirectory = AppContext.BaseDirectory,
        });
        var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
        try
        {
            await process.WaitForHttpAsync(new Uri(client.BaseAddress, "/accounts/none"), TimeSpan.FromSeconds(60));
        }
        catch
        {
            client.Dispose();
            await process.DisposeAsync();
            throw;
        }

        return (process, client);
    }

    private const string FaultInjectionVariable = Core.Invocation.FaultInjectionMiddleware.RateVariable;

    [Fact]
    public async Task SigkillMidRun_ThenRestart_EveryPaymentOnceAndNoneLost()
    {
        const int payments = 3_000;
        const int accounts = 5;
        var queue = new SqliteMessageQueue(Path.Combine(_dataDir, "portable.db"), TimeProvider.System);
        var expected = new decimal[accounts];
        for (var i = 0; i < payments; i++)
        {
            var amount = (i % 97) + 0.01m;
            expected[i % accounts] += amount;
            var body = LocalQueueEndToEndTests.Payment($"p{i}", $"acc-{i % accounts}", amount);
            await queue.PublishAsync("payments", new OutgoingMessage(Encoding.UTF8.GetBytes(body), MessageId: $"m{i}"));
            if (i % 3 == 0)
            {
                await queue.PublishAsync("payments", new OutgoingMessage(Encoding.UTF8.GetBytes(body), MessageId: $"m{i}"));
            }
        }

        var (first, firstClient) = await StartAsync();
        await using (first)
        {
            using (firstClient)
            {
                // Let it get well into the run, then pull the plug: no shutdown, leases held, writes half done.
                await LocalQueueEndToEndTests.EventuallyAsync(
                    async () => await EntriesAsync(firstClient, accounts) >= payments / 4,
                    "a quarter of the payments recorded before the kill");
                first.Kill();
                await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
        }

        Assert.True(await queue.CountAsync("payments") > 0, "The kill should have left work on the queue; make the run longer.");

        var (second, client) = await StartAsync();
        await using (second)
        {
            using (client)
            {
                await LocalQueueEndToEndTests.EventuallyAsync(async () => await queue.CountAsync("payments") == 0, "the restarted host drained the queue");

                Assert.Equal(0, (await LocalQueueEndToEndTests.DeadLettersAsync(client)).GetArrayLength());
                Assert.Equal(payments, await EntriesAsync(client, accounts));
                for (var a = 0; a < accounts; a++)
                {
                    Assert.Equal(expected[a], (await LocalQueueEndToEndTests.AccountAsync(client, $"acc-{a}"))!.Value.GetProperty("balance").GetDecimal());
                }
            }
        }
    }

    private static async Task<int> EntriesAsync(HttpClient client, int accounts)
    {
        var total = 0;
        for (var a = 0; a < accounts; a++)
        {
            total += (await LocalQueueEndToEndTests.AccountAsync(client, $"acc-{a}"))?.GetProperty("entries").GetInt32() ?? 0;
        }

        return total;
    }
}
