using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Portable.Aws.State;
using Portable.Compare.Apps;
using Portable.Compare.Hosts;
using Portable.Conformance.Hosts;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Ledger;
using Portable.Emulators.Aws;
using Portable.Engines;

namespace Portable.Conformance.Queues;

/// <summary>
/// Lambda with an SQS event source mapping (<see cref="LambdaSqsHost"/>): the real bootstrap with
/// <c>_HANDLER=ledger-writer</c> polling the Runtime API emulator, fed batches by the SQS event source emulator on a
/// fake clock; the bootstrap's own SQS dead-letter sink sends to <c>payments-dlq</c> over the SQS JSON protocol.
/// On AWS <c>accounts-api</c> is another Lambda function, another process: it is a second bootstrap
/// (<c>_HANDLER=accounts-api</c>) behind the API Gateway HTTP API emulator (<see cref="LambdaHttpHost"/>), and the two
/// share state only through DynamoDB, here dynalite, given to both as <c>PORTABLE_DYNAMODB_TABLE</c>/<c>PORTABLE_DYNAMODB_ENDPOINT</c>.
/// </summary>
internal sealed class AwsQueueHost : IQueueHostUnderTest, IQueueDeliveryCounts
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

    public DeliveryProfile Profile => DeliveryProfile.AwsSqs with { BatchSize = _sqs.Options.BatchSize, VisibilityTimeout = _sqs.Options.VisibilityTimeout, MaxDeliveries = _sqs.Options.MaxReceiveCount };

    public string ReadsVia => "GET /accounts/{account} on accounts-api, another Lambda function behind API Gateway (HTTP API v2), sharing state through DynamoDB (dynalite)";

    /// <summary>Starts dynalite, then the shared accounts-api and a normal and a fault-injected ledger-writer, at once.</summary>
    public static async Task<QueueHostPair> StartPairAsync()
    {
        var shared = new SharedParts();
        try
        {
            var storage = await shared.StartDynaliteAsync();
            var accounts = shared.StartAccountsApiAsync(storage);
            var host = StartAsync(storage, accounts, QueueHostOptions.Default);
            var faulty = StartAsync(storage, accounts, QueueHostOptions.Default with { TransientFaultRate = 1.0 });
            try
            {
                await Task.WhenAll(accounts, host, faulty);
            }
            catch
            {
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
    public static async Task<StartedQueueHost> StartWithDynaliteAsync(QueueHostOptions options)
    {
        var shared = new SharedParts();
        try
        {
            var storage = await shared.StartDynaliteAsync();
            var accounts = shared.StartAccountsApiAsync(storage);
            var host = StartAsync(storage, accounts, options);
            try
            {
                await Task.WhenAll(accounts, host);
            }
            catch
            {
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

    private static async Task<IQueueHostUnderTest> StartAsync(Dictionary<string, string?> storage, Task<HttpClient> accounts, QueueHostOptions options)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        // One execution environment per concurrent batch: each bootstrap polls the same Runtime API.
        var host = await LambdaSqsHost.StartAsync(
            o => o with { TimeProvider = time, MaxConcurrentPolls = options.Concurrency, DuplicateDeliveryRate = options.DuplicateDeliveryRate, RandomSeed = options.RandomSeed },
            environments: options.Concurrency,
            environment: new Dictionary<string, string?>(storage, StringComparer.Ordinal)
            {
                ["PORTABLE_FAULTS_TRANSIENT_RATE"] = options.TransientFaultRate?.ToString(CultureInfo.InvariantCulture),
            });
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

    public Task<string> SendAsync(string body, string? messageId = null) => Task.FromResult(_sqs.Send(body));

    public async Task<DrainResult> DrainAsync()
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
                    var poll = await _sqs.PollOnceAsync();
                    if (poll.Invocation is not { } invocation)
                    {
                        break;
                    }

                    Assert.True(invocation.IsSuccess, $"The ledger-writer invocation failed: {invocation.Outcome} {invocation.ErrorBodyText}\n{_host.Output}");
                    made++;
                    lock (_received)
                    {
                        _received.AddRange(poll.Received);
                        _invocations++;
                        _failed += poll.Failed.Count;
                    }
                }

                return made;
            })));
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

    public Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync()
    {
        IReadOnlyList<ObservedDeadLetter> letters = [.. _sqs.DeadLetters.Select(m => new ObservedDeadLetter(
            m.Body,
            m.Attributes.TryGetValue(PublishingDeadLetterSink.ReasonAttribute, out var reason) ? reason : $"(redriven by SQS after maxReceiveCount {_sqs.Options.MaxReceiveCount}, no reason)",
            m.Attributes.TryGetValue(PublishingDeadLetterSink.DeliveryCountAttribute, out var count) ? int.Parse(count, CultureInfo.InvariantCulture) : m.ReceiveCount))];
        return Task.FromResult(letters);
    }

    public async Task<LedgerAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds)
    {
        var observed = await LedgerAccounts.ReadAsync(_accounts, account);
        Assert.True(
            observed is not null,
            $"accounts-api (its own Lambda process) sees no entries on {account}, though ledger-writer acknowledged its payments. Both were given "
            + $"{DynamoDbStateStoreOptions.TableVariable}/{DynamoDbStateStoreOptions.EndpointVariable} on dynalite; the bootstrap must keep state in that "
            + "DynamoDB table (src/Aws/Program.cs registers no DynamoDbStateStore, so each process has its own in-memory store).");
        return observed;
    }

    public int DeliveriesOf(string transportId)
    {
        lock (_received)
        {
            return _received.Count(id => id == transportId);
        }
    }

    public DeliveryCounts Counts()
    {
        lock (_received)
        {
            return new DeliveryCounts(_received.Count, _invocations, _sqs.DuplicatedMessageIds.Count, _failed);
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync(); // the shared accounts-api and dynalite go with the pair

    /// <summary>What the ledger-writers of a run share: dynalite and accounts-api, disposed after them, last started first.</summary>
    private sealed class SharedParts : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _parts = [];

        /// <summary>Starts dynalite with the table; returns the variables both functions get.</summary>
        public async Task<Dictionary<string, string?>> StartDynaliteAsync()
        {
            var dynalite = new DynaliteFixture();
            Add(new AsyncDisposable(dynalite.DisposeAsync));
            await dynalite.InitializeAsync();
            return await DynamoDbOnDynalite.CreateTableAsync(dynalite.Engine, "PortableConformance");
        }

        /// <summary>Starts accounts-api on <paramref name="storage"/>; returns a client on its gateway.</summary>
        public async Task<HttpClient> StartAccountsApiAsync(Dictionary<string, string?> storage)
        {
            var accounts = await LambdaHttpHost.StartAsync(AccountsApi.FunctionName, environment: storage);
            Add(accounts);
            var client = accounts.CreateClient(HostDefaults.RequestTimeout);
            Add(new AsyncDisposable(() =>
            {
                client.Dispose();
                return Task.CompletedTask;
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
