using Portable.Compare.Engines;

namespace Portable.Engines;

/// <summary>
/// <see cref="PostgresEngine"/> (a throwaway PostgreSQL 15 cluster on a free loopback port) as an xunit fixture: one
/// cluster per test class; stopped (immediate mode) and deleted on dispose.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    /// <summary>Where Debian's postgresql-15 package puts the server binaries.</summary>
    public const string BinDirectory = PostgresEngine.BinDirectory;

    private readonly PostgresEngine _engine = new();

    /// <summary>The TCP port the server listens on (127.0.0.1 only).</summary>
    public int Port => _engine.Port;

    /// <summary>An Npgsql connection string to the <c>postgres</c> database as the <c>postgres</c> superuser (trust auth).</summary>
    public string ConnectionString => _engine.ConnectionString;

    /// <inheritdoc />
    public Task InitializeAsync() => _engine.StartAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => _engine.DisposeAsync().AsTask();
}
