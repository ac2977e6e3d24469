using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portable.Compare.Engines;
using Portable.Compare.Hosts;
using Portable.Core.Messaging;
using Portable.Emulators.Gcp;
using Portable.Gcp.State;

namespace Portable.Compare.Queues;

/// <summary>
/// Cloud Run fed by a Pub/Sub push subscription (<see cref="PubSubPushHost"/>): the real Portable.Gcp with PORT set,
/// and the push emulator posting wrapped envelopes to <c>/ledger-writer</c> on a fake clock. The host dead-letters
/// by publishing to <c>payments-dead-letter</c> through <c>PUBSUB_EMULATOR_HOST</c>, as it would to Pub/Sub. One
/// service serves both the push endpoint and <c>accounts-api</c>, so balances come from its own HTTP route.
/// State is in the process by default; <see cref="StartWithPostgresAsync(QueueHostOptions, CancellationToken)"/>
/// gives it PostgreSQL, as Cloud SQL.
/// </summary>
public sealed class GcpQueueHost : IQueueHostUnderTest, IQueueDeliveryCounts
{
    private const string Topic = PubSubPushHost.Topic;
    private const string DeadLetterTopic = PubSubPushHost.DeadLetterTopic;

    private readonly FakeTimeProvider _time;
    private readonly PubSubPushHost _host;
    private readonly PubSubPushEmulator _emulator;
    private readonly HttpClient _client;
    private readonly QueueHostOptions _options;

    private GcpQueueHost(FakeTimeProvider time, PubSubPushHost host, QueueHostOptions options)
    {
        _options = options;
        _time = time;
        _host = host;
        _emulator = host.PubSub;
        _client = host.Service.CreateClient(HostDefaults.RequestTimeout);
    }

    /// <inheritdoc />
    public DeliveryProfile Profile => DeliveryProfile.GcpPubSubPush;

    /// <inheritdoc />
    public string ReadsVia => "GET /accounts/{account} on the same Cloud Run service (one container serves the push endpoint and the API)";

    /// <inheritdoc />
    public string DeadLetterDestination => DeadLetterTopic + " (Pub/Sub dead-letter topic)";

    /// <summary>Starts the service keeping its state in the process, and the push subscription, on a fake clock.</summary>
    /// <param name="options">How the host is started.</param>
    /// <param name="cancellationToken">Stops the start; what was started is stopped.</param>
    public static Task<IQueueHostUnderTest> StartAsync(QueueHostOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, postgresConnection: null, cancellationToken);

    /// <summary>Starts a PostgreSQL cluster and a host keeping its state there (<c>PORTABLE_POSTGRES_CONNECTION</c>).</summary>
    /// <param name="options">How the host is started.</param>
    public static Task<StartedQueueHost> StartWithPostgresAsync(QueueHostOptions options) => StartWithPostgresAsync(options, CancellationToken.None);

    /// <summary>Starts a PostgreSQL cluster and a host keeping its state there (<c>PORTABLE_POSTGRES_CONNECTION</c>).</summary>
    /// <param name="options">How the host is started.</param>
    /// <param name="cancellationToken">Stops the start; what was started is stopped.</param>
    public static async Task<StartedQueueHost> StartWithPostgresAsync(QueueHostOptions options, CancellationToken cancellationToken)
    {
        var postgres = new PostgresEngine();
        try
        {
            await postgres.StartAsync(cancellationToken);
            var host = await StartAsync(options, postgres.ConnectionString + ";Maximum Pool Size=40", cancellationToken);
            return new StartedQueueHost(host, postgres);
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    private static async Task<IQueueHostUnderTest> StartAsync(QueueHostOptions options, string? postgresConnection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        var host = await PubSubPushHost.StartAsync(
            o => o with { TimeProvider = time, MaxOutstandingPushes = options.Concurrency, DuplicateDeliveryRate = options.DuplicateDeliveryRate, RandomSeed = options.RandomSeed },
            new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["PORTABLE_FAULTS_TRANSIENT_RATE"] = options.TransientFaultRate?.ToString(CultureInfo.InvariantCulture),
                [PostgresStateStoreOptions.ConnectionVariable] = postgresConnection,
            },
            cancellationToken: cancellationToken);
        return new GcpQueueHost(time, host, options);
    }

    /// <inheritdoc />
    public Task<string> SendAsync(string body, string? messageId = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(_emulator.Publish(Topic, Encoding.UTF8.GetBytes(body)));

    /// <inheritdoc />
    public async Task<DrainResult> DrainAsync(CancellationToken cancellationToken = default)
    {
        var invocations = 0;
        var advanced = TimeSpan.Zero;
        for (var round = 0; round < _options.MaxDrainRounds; round++)
        {
            invocations += (await _emulator.DeliverDueAsync(cancellationToken)).Count;
            if (_emulator.NextDueAt is not { } due)
            {
                return new DrainResult(invocations, advanced);
            }

            if (due > _time.GetUtcNow())
            {
                advanced += due - _time.GetUtcNow();
                _time.Advance(due - _time.GetUtcNow());
            }
        }

        throw new InvalidOperationException($"Pub/Sub still had {_emulator.PendingCount} message(s) after {_options.MaxDrainRounds} rounds. Host output:\n{_host.Service.Process.Output}");
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ObservedDeadLetter> letters = [.. _emulator.Messages(DeadLetterTopic).Select(m => new ObservedDeadLetter(
            Encoding.UTF8.GetString(m.Data),
            m.Attributes.TryGetValue(PublishingDeadLetterSink.ReasonAttribute, out var reason) ? reason : "(forwarded by Pub/Sub after " + m.Attributes.GetValueOrDefault(PubSubPushEmulator.DeadLetterDeliveryCountAttribute) + " attempts, no reason)",
            m.Attributes.TryGetValue(PublishingDeadLetterSink.DeliveryCountAttribute, out var count) ? int.Parse(count, CultureInfo.InvariantCulture)
                : m.Attributes.TryGetValue(PubSubPushEmulator.DeadLetterDeliveryCountAttribute, out var forwarded) ? int.Parse(forwarded, CultureInfo.InvariantCulture) : null))];
        return Task.FromResult(letters);
    }

    /// <inheritdoc />
    public Task<LedgerAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds, CancellationToken cancellationToken = default) =>
        LedgerAccounts.ReadAsync(_client, account, cancellationToken);

    /// <inheritdoc />
    public int DeliveriesOf(string transportId) => _emulator.Attempts.Count(a => a.MessageId == transportId);

    /// <inheritdoc />
    public DeliveryCounts Counts()
    {
        var attempts = _emulator.Attempts;
        return new DeliveryCounts(attempts.Count, attempts.Count, _emulator.DuplicatedCount, attempts.Count(a => a.Outcome != PushOutcome.Acked));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }
}
