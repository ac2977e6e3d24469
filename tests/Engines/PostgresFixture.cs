using System.Globalization;
using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Engines;

/// <summary>
/// A throwaway PostgreSQL 15 cluster from the machine's packages (<c>/usr/lib/postgresql/15/bin</c>): <c>initdb -A trust</c>
/// into a temp folder, <c>pg_ctl start</c> on a free loopback port with its unix socket in that folder. PostgreSQL refuses to
/// run as root, so as root both run through <c>runuser -u postgres</c> and the folder is given to that user.
/// One cluster per test class; stopped (immediate mode) and deleted on dispose.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    /// <summary>Where Debian's postgresql-15 package puts the server binaries.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private const string OsUser = "postgres";

    private string? _root;
    private bool _started;

    /// <summary>The TCP port the server listens on (127.0.0.1 only).</summary>
    public int Port { get; private set; }

    /// <summary>An Npgsql connection string to the <c>postgres</c> database as the <c>postgres</c> superuser (trust auth).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=30";

    private static bool IsRoot => Environment.UserName == "root";

    private string DataDirectory => Path.Combine(_root!, "data");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var initdb = Path.Combine(BinDirectory, "initdb");
        if (!File.Exists(initdb))
        {
            throw new InvalidOperationException($"PostgreSQL 15 not found at {BinDirectory}: apt-get install postgresql-15 (./test.sh installs it when missing).");
        }

        Port = FreePort.Next();
        _root = Directory.CreateTempSubdirectory("portable-pg-").FullName;
        if (IsRoot)
        {
            await RunAsync("chown", [OsUser + ":", _root]);
        }

        // --no-sync and the fsync/full_page_writes settings below: a test cluster never needs to survive a crash.
        await RunPgAsync("initdb", ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);

        var serverOptions = string.Join(' ', [
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-k", _root,
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
        ]);
        var log = Path.Combine(_root, "server.log");
        try
        {
            await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-l", log, "-w", "-t", "60", "-o", serverOptions, "start"]);
            _started = true;
        }
        catch (InvalidOperationException e)
        {
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no server log)";
            throw new InvalidOperationException($"{e.Message}\nserver log:\n{serverLog}", e);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_started)
        {
            await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }

        if (_root is not null)
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static Task RunPgAsync(string tool, IReadOnlyList<string> args)
    {
        var path = Path.Combine(BinDirectory, tool);
        return IsRoot ? RunAsync("runuser", ["-u", OsUser, "--", path, .. args]) : RunAsync(path, args);
    }

    // Bounded: pg_ctl itself waits at most 60 s (-t 60) for the server.
    private static async Task RunAsync(string fileName, IReadOnlyList<string> args) => await ChildProcess.RunAsync(
        new ChildProcessOptions { FileName = fileName, Arguments = args, WorkingDirectory = Path.GetTempPath(), Name = $"`{fileName} {string.Join(' ', args)}`" },
        TimeSpan.FromMinutes(2));
}
