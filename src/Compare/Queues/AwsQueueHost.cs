using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Portable.Aws.State;
using Portable.Compare.Engines;
using Portable.Compare.Hosts;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Ledger;
using Portable.Emulators.Aws;

namespace Portable.Compare.Queues;

/// <summary>
/// Lambda with an SQS event source mapping (<see cref="LambdaSqsHost"/>): the real bootstrap with
/// <c>_HANDLER=ledger-writer</c> polling the Runtime API emulator, fed batches by the SQS event source emulator on a
/// fake clock; the bootstrap's own SQS dead-letter sink sends to <c>payments-dlq</c> over the SQS JSON protocol.
/// On AWS <c>accounts-api</c> is another Lambda function, another process: it is a second bootstrap
/// (<c>_HANDLER=accounts-api</c>) behind the API Gateway HTTP API emulator (<see cref="LambdaHttpHost"/>), and the two
/// share state only through DynamoDB, here dynalite, given to both as <c>PORTABLE_DYNAMODB_TABLE</c>/<c>PORTABLE_DYNAMODB_ENDPOINT</c>.
/// </summary>
public sealed class AwsQueueHost : IQueueHostUnderTest, IQueueDeliveryCounts
{
    private readonly FakeTimeProvider _time;
    private readonly LambdaSqsHost _host;
    private readonly SqsEventSourceEmulator _sqs;
    private readonly HttpClient _accounts;
    private readonly QueueHostOptions _options;
    private readonly List<string> _received = [];
    private int _invocations;
    private int _failed;

    private AwsQueueHost(FakeTimeProvider time, LambdaSqsHost host, HttpClient accounts, QueueHostOptions options)
    {
        _time = time;
        _host = host;
        _sqs = host.Sqs;
        _accounts = accounts;
        _options = options;
    }

    /// <inheritdoc />
    public DeliveryProfile Profile => DeliveryProfile.AwsSqs with { BatchSize = _sqs.Options.BatchSize, VisibilityTimeout = _sqs.Options.VisibilityTimeout, MaxDeliveries = _sqs.Options.MaxReceiveCount };

    /// <inheritdoc />
    public string DeadLetterDestination => LedgerWriter.Queue + "-dlq (SQS queue)";

    /// <inheritdoc />
    public string ReadsVia => "GET /accounts/{account} on accounts-api, another Lambda function behind API Gateway (HTTP API v2), sharing state through DynamoDB (dynalite)";

    /// <summary>Starts dynalite, then the shared accounts-api and a normal and a fault-injected ledger-writer, at once.</summary>
    /// <param name="cancellationToken">Stops the start; what was started is stopped.</param>
    public static async Task<QueueHostPair> StartPairAsync(CancellationToken cancellationToken = default)
    {
        var shared = new SharedParts();
        try
        {
            var storage = await shared.StartDynaliteAsync(cancellationToken);
            var accounts = shared.StartAccountsApiAsync(storage, cancellationToken);
            var host = StartAsync(storage, accounts, QueueHostOptions.Default, cancellationToken);
            var faulty = StartAsync(storage, accounts, QueueHostOptions.Default with { TransientFaultRate = 1.0 }, cancellationToken);
            try
            {
                await Task.WhenAll(accounts, host, faulty);
            }
            catch
            {
                await Task.WhenAny(accounts); // its client is the shared parts' to dispose
                foreach (var started in new[] { host, faulty })
                {
                    await Task.WhenAny(started);
                    if (started.IsCompletedSuccessfully)
                    {
                        await started.Result.DisposeAsync();
                    }
                }

                throw;
            }

            return new QueueHostPair(host.Result, faulty.Result, shared);
        }
        catch
        {
            await shared.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts dynalite, accounts-api and one ledger-writer (with as many bootstraps as <see cref="QueueHostOptions.Concurrency"/>).</summary>
    /// <param name="options">How the ledger-writer is started.</param>
    public static Task<StartedQueueHost> StartWithDynaliteAsync(QueueHostOptions options) => StartWithDynaliteAsync(options, CancellationToken.None);

    /// <summary>Starts dynalite, accounts-api and one ledger-writer (with as many bootstraps as <see cref="QueueHostOptions.Concurrency"/>).</summary>
    /// <param name="options">How the ledger-writer is started.</param>
    /// <param name="cancellationToken">Stops the start; what was started is stopped.</param>
    public static async Task<StartedQueueHost> StartWithDynaliteAsync(QueueHostOptions options, CancellationToken cancellationToken)
    {
        var shared = new SharedParts();
        try
        {
            var storage = await shared.StartDynaliteAsync(cancellationToken);
            var accounts = shared.StartAccountsApiAsync(storage, cancellationToken);
            var host = StartAsync(storage, accounts, options, cancellationToken);
            try
            {
                await Task.WhenAll(accounts, host);
            }
            catch
            {
                await Task.WhenAny(accounts);
                await Task.WhenAny(host);
                if (host.IsCompletedSuccessfully)
                {
                    await host.Result.DisposeAsync();
                }

                throw;
            }

            return new StartedQueueHost(host.Result, shared);
        }
        catch
        {
            await shared.DisposeAsync();
            throw;
        }
    }

    private static async Task<IQueueHostUnderTest> StartAsync(Dictionary<string, string?> storage, Task<HttpClient> accounts, QueueHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        // One execution environment per concurrent batch: each bootstrap polls the same Runtime API.
        var host = await LambdaSqsHost.StartAsync(
            o => o with { TimeProvider = time, MaxConcurrentPolls = options.Concurrency, DuplicateDeliveryRate = options.DuplicateDeliveryRate, RandomSeed = options.RandomSeed },
            environments: options.Concurrency,
            environment: new Dictionary<string, string?>(storage, StringComparer.Ordinal)
            {
                ["PORTABLE_FAULTS_TRANSIENT_RATE"] = options.TransientFaultRate?.ToString(CultureInfo.InvariantCulture),
            },
            cancellationToken: cancellationToken);
        try
        {
            return new AwsQueueHost(time, host, await accounts, options);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<string> SendAsync(string body, string? messageId = null, CancellationToken cancellationToken = default) => Task.FromResult(_sqs.Send(body));

    /// <inheritdoc />
    public async Task<DrainResult> DrainAsync(CancellationToken cancellationToken = default)
    {
        var invocations = 0;
        var advanced = TimeSpan.Zero;
        var rounds = 0;
        while (rounds < _options.MaxDrainRounds)
        {
            // As many pollers as execution environments, each polling until nothing is visible; one by default.
            var polled = await Task.WhenAll(Enumerable.Range(0, _options.Concurrency).Select(_ => Task.Run(async () =>
            {
                var made = 0;
                while (Interlocked.Increment(ref rounds) <= _options.MaxDrainRounds)
                {
                    var poll = await _sqs.PollOnceAsync(cancellationToken);
                    if (poll.Invocation is not { } invocation)
                    {
                        break;
                    }

                    if (!invocation.IsSuccess)
                    {
                        throw new InvalidOperationException($"The ledger-writer invocation failed: {invocation.Outcome} {invocation.ErrorBodyText}\n{_host.Output}");
                    }

                    made++;
                    lock (_received)
                    {
                        _received.AddRange(poll.Received);
                        _invocations++;
                        _failed += poll.Failed.Count;
                    }
                }

                return made;
            }, cancellationToken)));
            invocations += polled.Sum();
            var left = _sqs.Messages();
            if (left.Count == 0)
            {
                return new DrainResult(invocations, advanced);
            }

            var due = left.Min(m => m.VisibleAt);
            if (due > _time.GetUtcNow())
            {
                advanced += due - _time.GetUtcNow();
                _time.Advance(due - _time.GetUtcNow());
            }
        }

        throw new InvalidOperationException($"SQS still held {_sqs.Messages().Count} message(s) after {_options.MaxDrainRounds} polls. Bootstrap output:\n{_host.Output}");
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ObservedDeadLetter> letters = [.. _sqs.DeadLetters.Select(m => new ObservedDeadLetter(
            m.Body,
            m.Attributes.TryGetValue(PublishingDeadLetterSink.ReasonAttribute, out var reason) ? reason : $"(redriven by SQS after maxReceiveCount {_sqs.Options.MaxReceiveCount}, no reason)",
            m.Attributes.TryGetValue(PublishingDeadLetterSink.DeliveryCountAttribute, out var count) ? int.Parse(count, CultureInfo.InvariantCulture) : m.ReceiveCount))];
        return Task.FromResult(letters);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">accounts-api sees no entry on the account: the two functions do not share the DynamoDB table.</exception>
    public async Task<LedgerAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds, CancellationToken cancellationToken = default)
    {
        return await LedgerAccounts.ReadAsync(_accounts, account, cancellationToken) ?? throw new InvalidOperationException(
            $"accounts-api (its own Lambda process) sees no entries on {account}, though ledger-writer acknowledged its payments. Both were given "
            + $"{DynamoDbStateStoreOptions.TableVariable}/{DynamoDbStateStoreOptions.EndpointVariable} on dynalite; the bootstrap must keep state in that "
            + "DynamoDB table (src/Aws/Program.cs registers no DynamoDbStateStore, so each process has its own in-memory store).");
    }

    /// <inheritdoc />
    public int DeliveriesOf(string transportId)
    {
        lock (_received)
        {
            return _received.Count(id => id == transportId);
        }
    }

    /// <inheritdoc />
    public DeliveryCounts Counts()
    {
        lock (_received)
        {
            return new DeliveryCounts(_received.Count, _invocations, _sqs.DuplicatedMessageIds.Count, _failed);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _host.DisposeAsync(); // the shared accounts-api and dynalite go with the pair

    /// <summary>What the ledger-writers of a run share: dynalite and accounts-api, disposed after them, last started first.</summary>
    private sealed class SharedParts : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _parts = [];

        /// <summary>Starts dynalite with the table; returns the variables both functions get.</summary>
        public async Task<Dictionary<string, string?>> StartDynaliteAsync(CancellationToken cancellationToken)
        {
            var dynalite = new DynaliteEngine();
            Add(dynalite);
            await dynalite.StartAsync(cancellationToken);
            const string Table = "PortableConformance";
            await DynamoDbStateStoreOptions.CreateAsync(new DynamoDbStateStoreOptions(Table, dynalite.ServiceUrl), TimeProvider.System, ensureTable: true, cancellationToken);
            return new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                [DynamoDbStateStoreOptions.TableVariable] = Table,
                [DynamoDbStateStoreOptions.EndpointVariable] = dynalite.ServiceUrl.ToString(),
            };
        }

        /// <summary>Starts accounts-api on <paramref name="storage"/>; returns a client on its gateway.</summary>
        public async Task<HttpClient> StartAccountsApiAsync(Dictionary<string, string?> storage, CancellationToken cancellationToken)
        {
            var accounts = await LambdaHttpHost.StartAsync(AccountsApi.FunctionName, environment: storage, cancellationToken: cancellationToken);
            Add(accounts);
            var client = accounts.CreateClient(HostDefaults.RequestTimeout);
            Add(new AsyncDisposable(() =>
            {
                client.Dispose();
                return ValueTask.CompletedTask;
            }));
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            IAsyncDisposable[] parts;
            lock (_parts)
            {
                parts = [.. _parts];
                _parts.Clear();
            }

            foreach (var part in parts.Reverse())
            {
                await part.DisposeAsync();
            }
        }

        private void Add(IAsyncDisposable part)
        {
            lock (_parts)
            {
                _parts.Add(part);
            }
        }
    }
}
