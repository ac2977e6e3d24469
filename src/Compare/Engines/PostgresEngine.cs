using System.Globalization;
using Portable.Compare.Hosts;
using Portable.Emulators.Processes;

namespace Portable.Compare.Engines;

/// <summary>
/// A throwaway PostgreSQL 15 cluster from the machine's packages (<c>/usr/lib/postgresql/15/bin</c>): <c>initdb -A trust</c>
/// into a temp folder, <c>pg_ctl start</c> on a free loopback port with its unix socket in that folder. PostgreSQL refuses to
/// run as root, so as root both run through <c>runuser -u postgres</c> and the folder is given to that user.
/// Stopped (immediate mode) and deleted on dispose.
/// </summary>
public sealed class PostgresEngine : IAsyncDisposable
{
    /// <summary>Where Debian's postgresql-15 package puts the server binaries.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private const string OsUser = "postgres";

    private string? _root;
    private bool _started;

    /// <summary>The TCP port the server listens on (127.0.0.1 only).</summary>
    public int Port { get; private set; }

    /// <summary>An Npgsql connection string to the <c>postgres</c> database as the <c>postgres</c> superuser (trust auth).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Pooling=true;Timeout=30";

    private static bool IsRoot => Environment.UserName == "root";

    private string DataDirectory => Path.Combine(_root!, "data");

    /// <summary>Creates the cluster and starts the server, waiting (at most 60 s) until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL 15 is not installed, or the server did not start (its log attached).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
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
            await RunAsync("chown", [OsUser + ":", _root], cancellationToken);
        }

        // --no-sync and the fsync/full_page_writes settings below: a throwaway cluster never needs to survive a crash.
        await RunPgAsync("initdb", ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"], cancellationToken);

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
            await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-l", log, "-w", "-t", "60", "-o", serverOptions, "start"], cancellationToken);
            _started = true;
        }
        catch (InvalidOperationException e)
        {
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "(no server log)";
            throw new InvalidOperationException($"{e.Message}\nserver log:\n{serverLog}", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        }

        if (_root is not null)
        {
            Directory.Delete(_root, recursive: true);
            _root = null;
        }
    }

    private static Task RunPgAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var path = Path.Combine(BinDirectory, tool);
        return IsRoot ? RunAsync("runuser", ["-u", OsUser, "--", path, .. args], cancellationToken) : RunAsync(path, args, cancellationToken);
    }

    // Bounded: pg_ctl itself waits at most 60 s (-t 60) for the server.
    private static async Task RunAsync(string fileName, IReadOnlyList<string> args, CancellationToken cancellationToken) => await ChildProcess.RunAsync(
        new ChildProcessOptions { FileName = fileName, Arguments = args, WorkingDirectory = Path.GetTempPath(), Name = $"`{fileName} {string.Join(' ', args)}`" },
        TimeSpan.FromMinutes(2),
        cancellationToken);
}
