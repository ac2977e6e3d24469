using System.Globalization;
using System.Text;
using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Idempotency;
using Portable.Core.Messaging;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Ledger;
using Portable.Core.State;
using Portable.Core.Tests.Messaging;
using Portable.TestKit;

using Portable.Testing;

namespace Portable.Core.Tests.Patterns;

public sealed class LedgerTests
{
    private static string Pay(string paymentId, string account, string amount, string currency = "EUR") =>
        $$"""{"paymentId":"{{paymentId}}","account":"{{account}}","amount":{{amount}},"currency":"{{currency}}"}""";

    private static IncomingMessage Message(string id, string body, int deliveryCount = 1) =>
        TestQueue.Message(id, body, LedgerWriter.Queue, deliveryCount);

    private static Task<MessageSettlement> DeliverAsync(FunctionTestHost host, string messageId, string body, int deliveryCount = 1) =>
        host.DeliverOneAsync(LedgerWriter.FunctionName, Message(messageId, body, deliveryCount)).AsTask();

    private static async Task<(decimal Balance, int Entries, string Currency)> AccountAsync(FunctionTestHost host, string account)
    {
        var response = await host.SendAsync("GET", "/accounts/" + account);
        Assert.Equal(200, response.StatusCode);
        var json = JsonDocument.Parse(response.Body).RootElement;
        return (json.GetProperty("balance").GetDecimal(), json.GetProperty("entries").GetInt32(), json.GetProperty("currency").GetString()!);
    }

    [Theory]
    [InlineData("""{"account":"a1","amount":10,"currency":"EUR"}""", "paymentId is required")]
    [InlineData("""{"paymentId":"p1","amount":10,"currency":"EUR"}""", "account is required")]
    [InlineData("""{"paymentId":"p1","account":"a1","currency":"EUR"}""", "amount is required")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":10}""", "currency must be three capital letters")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":0,"currency":"EUR"}""", "amount must be greater than 0")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":-5.5,"currency":"EUR"}""", "amount must be greater than 0")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":1.234,"currency":"EUR"}""", "amount must have at most 2 decimal places")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":"10","currency":"EUR"}""", "amount is required and must be a number")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":1e400,"currency":"EUR"}""", "amount is required and must be a number")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":10,"currency":"eur"}""", "currency must be three capital letters")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":10,"currency":"EU"}""", "currency must be three capital letters")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":10,"currency":"EURO"}""", "currency must be three capital letters")]
    [InlineData("""{"paymentId":"p/1","account":"a1","amount":10,"currency":"EUR"}""", "paymentId must be 1 to 128")]
    [InlineData("""{"paymentId":"p1","account":"","amount":10,"currency":"EUR"}""", "account must be 1 to 64")]
    [InlineData("""{"paymentId":7,"account":"a1","amount":10,"currency":"EUR"}""", "paymentId is required and must be a string")]
    public async Task Invalid_IsDeadLetteredWithReasonNamingTheField(string body, string reason)
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        var settlement = await DeliverAsync(host, "m1", body);

        Assert.Equal(MessageOutcome.DeadLetter, settlement.Outcome);
        Assert.Contains(reason, settlement.Reason, StringComparison.Ordinal);
        var (dead, deadReason) = Assert.Single(host.DeadLetters.Received);
        Assert.Equal("m1", dead.Id);
        Assert.Equal(settlement.Reason, deadReason);
        Assert.Equal(404, (await host.SendAsync("GET", "/accounts/a1")).StatusCode);
    }

    [Fact]
    public async Task Invalid_SeveralFields_NamesEach()
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        var settlement = await DeliverAsync(host, "m1", """{"paymentId":"p1","amount":0,"currency":"eur"}""");

        Assert.Equal(MessageOutcome.DeadLetter, settlement.Outcome);
        Assert.Contains("account", settlement.Reason, StringComparison.Ordinal);
        Assert.Contains("amount", settlement.Reason, StringComparison.Ordinal);
        Assert.Contains("currency", settlement.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"paymentId":""", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("payment p1", "not valid JSON")]
    [InlineData("""[{"paymentId":"p1"}]""", "must be a JSON object")]
    [InlineData("42", "must be a JSON object")]
    public async Task MalformedBody_IsDeadLettered(string body, string reason)
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        var settlement = await DeliverAsync(host, "m1", body);

        Assert.Equal(MessageOutcome.DeadLetter, settlement.Outcome);
        Assert.Contains(reason, settlement.Reason, StringComparison.Ordinal);
        Assert.Single(host.DeadLetters.Received);
    }

    [Fact]
    public async Task InvalidUtf8_IsDeadLetteredNotRetriedForever()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        byte[] body = [.. "{\"paymentId\":\"p"u8, 0xFF, 0xFE, .. "\",\"account\":\"a1\",\"amount\":10,\"currency\":\"EUR\"}"u8];

        var settlement = Assert.Single(await host.DeliverAsync(
            LedgerWriter.FunctionName,
            new IncomingMessage { Id = "m1", Body = body, Source = LedgerWriter.Queue }));

        Assert.Equal(MessageOutcome.DeadLetter, settlement.Outcome);
        Assert.Single(host.DeadLetters.Received);
    }

    [Fact]
    public async Task Valid_WritesOneEntryAndCreatesTheAccount()
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        var settlement = await DeliverAsync(host, "m1", Pay("p1", "a1", "10.50"));

        Assert.Equal(new MessageSettlement("m1", MessageOutcome.Success, null), settlement);
        Assert.Equal((10.50m, 1, "EUR"), await AccountAsync(host, "a1"));
        var entry = Assert.Single((await host.Store.ListAsync(LedgerWriter.EntriesCollection("a1"), 10)).Entries);
        Assert.Equal("p1", entry.Key);
        var recorded = JsonSerializer.Deserialize(entry.Value.Span, LedgerJsonContext.Default.LedgerEntry);
        Assert.Equal(new LedgerEntry("p1", 10.50m, "EUR", "m1", host.Clock.GetUtcNow()), recorded);
    }

    [Fact]
    public async Task Redelivery_SameMessage_OneEntryBalanceOnce()
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        var first = await DeliverAsync(host, "m1", Pay("p1", "a1", "25"));
        var again = await DeliverAsync(host, "m1", Pay("p1", "a1", "25"), deliveryCount: 2);

        Assert.Equal(MessageOutcome.Success, first.Outcome);
        Assert.Equal(MessageOutcome.Success, again.Outcome);
        Assert.Equal((25m, 1, "EUR"), await AccountAsync(host, "a1"));
    }

    [Fact]
    public async Task ResentUnderNewMessageId_OneEntryBalanceOnce()
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        await DeliverAsync(host, "m1", Pay("p1", "a1", "25"));
        var resent = await DeliverAsync(host, "m2", Pay("p1", "a1", "25"));

        Assert.Equal(MessageOutcome.Success, resent.Outcome);
        Assert.Equal((25m, 1, "EUR"), await AccountAsync(host, "a1"));
    }

    [Fact]
    public async Task DuplicateAfterIdempotencyRecordExpired_LedgerItselfKeepsOneEntry()
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        await DeliverAsync(host, "m1", Pay("p1", "a1", "25"));
        host.Clock.Advance(IdempotencyRecords.CompletedLifetime + TimeSpan.FromHours(1));
        var late = await DeliverAsync(host, "m2", Pay("p1", "a1", "25"));

        Assert.Equal(MessageOutcome.Success, late.Outcome);
        Assert.Equal((25m, 1, "EUR"), await AccountAsync(host, "a1"));
    }

    [Fact]
    public async Task ConflictingDuplicate_IsDeadLetteredAndBalanceKeepsTheFirst()
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        await DeliverAsync(host, "m1", Pay("p1", "a1", "25"));
        var conflict = await DeliverAsync(host, "m2", Pay("p1", "a1", "99"));

        Assert.Equal(MessageOutcome.DeadLetter, conflict.Outcome);
        Assert.Contains("Conflict", conflict.Reason, StringComparison.Ordinal);
        Assert.Equal("m2", Assert.Single(host.DeadLetters.Received).Message.Id);
        Assert.Equal((25m, 1, "EUR"), await AccountAsync(host, "a1"));
    }

    [Theory]
    [InlineData("a1", "99", "EUR")]
    [InlineData("a2", "25", "EUR")]
    [InlineData("a2", "25", "USD")]
    public async Task ConflictingDuplicateAfterIdempotencyRecordExpired_LedgerDeadLettersIt(string account, string amount, string currency)
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        await DeliverAsync(host, "m1", Pay("p1", "a1", "25"));
        host.Clock.Advance(IdempotencyRecords.CompletedLifetime + TimeSpan.FromHours(1));
        var conflict = await DeliverAsync(host, "m2", Pay("p1", account, amount, currency));

        Assert.Equal(MessageOutcome.DeadLetter, conflict.Outcome);
        Assert.Contains("Conflict: payment p1", conflict.Reason, StringComparison.Ordinal);
        Assert.Equal((25m, 1, "EUR"), await AccountAsync(host, "a1"));
        if (account != "a1")
        {
            Assert.Equal(404, (await host.SendAsync("GET", "/accounts/" + account)).StatusCode);
        }
    }

    [Fact]
    public async Task SamePaymentIdOnAnotherAccount_WithoutIdempotencyMiddleware_IsNotChargedTwice()
    {
        var manifest = new FunctionManifestBuilder()
            .AddQueue<LedgerWriter>(LedgerWriter.FunctionName, LedgerWriter.Queue, LedgerWriter.TriggerOptions with { DisableIdempotency = true })
            .AddHttp(AccountsApi.FunctionName, AccountsApi.MapRoutes)
            .Build();
        using var host = new FunctionTestHost(manifest, s => s.AddPatterns());

        await DeliverAsync(host, "m1", Pay("p1", "a1", "25"));
        var again = await DeliverAsync(host, "m1", Pay("p1", "a1", "25"), deliveryCount: 2);
        var elsewhere = await DeliverAsync(host, "m2", Pay("p1", "a2", "25"));

        Assert.Equal(MessageOutcome.Success, again.Outcome);
        Assert.Equal(MessageOutcome.DeadLetter, elsewhere.Outcome);
        Assert.Equal((25m, 1, "EUR"), await AccountAsync(host, "a1"));
        Assert.Equal(404, (await host.SendAsync("GET", "/accounts/a2")).StatusCode);
    }

    [Fact]
    public void TriggerOptions_GenericIdempotencyLayer_IsOff() =>
        Assert.True(LedgerWriter.TriggerOptions.DisableIdempotency);

    [Fact]
    public async Task Deliver_Payment_KeepsNoGenericIdempotencyRecord()
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        await DeliverAsync(host, "m1", Pay("p1", "a1", "25"));
        await DeliverAsync(host, "m1", Pay("p1", "a1", "25"), deliveryCount: 2);

        Assert.Empty((await host.Store.ListAsync(IdempotencyRecords.Collection, 10)).Entries);
        Assert.Equal((25m, 1, "EUR"), await AccountAsync(host, "a1"));
    }

    [Theory]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":10.50,"currency":"EUR"}""")]
    [InlineData("""{"currency":"EUR","amount":1.05e1,"account":"a1","paymentId":"p1"}""")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":10.5,"currency":"EUR","note":"resent"}""")]
    public async Task ResentWithSameValuesSpelledOtherwise_IsADuplicateNotAConflict(string resent)
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        await DeliverAsync(host, "m1", Pay("p1", "a1", "10.5"));
        var duplicate = await DeliverAsync(host, "m2", resent);

        Assert.Equal(MessageOutcome.Success, duplicate.Outcome);
        Assert.Empty(host.DeadLetters.Received);
        Assert.Equal((10.5m, 1, "EUR"), await AccountAsync(host, "a1"));
    }

    [Fact]
    public async Task ConflictingDuplicateRacingTheOriginal_IsDeadLetteredAndOpensNoAccount()
    {
        // The conflicting payment (p1 on a new account a2) is overtaken by the original (p1 on a1) just before it claims p1.
        var raced = false;
        using var host = Interleaved(LedgerWriter.PaymentsCollection, async other =>
        {
            Assert.Equal(MessageOutcome.Success, (await DeliverAsync(other, "m1", Pay("p1", "a1", "25"))).Outcome);
            raced = true;
        });

        var conflict = await DeliverAsync(host, "m2", Pay("p1", "a2", "25"));

        Assert.True(raced);
        Assert.Equal(MessageOutcome.DeadLetter, conflict.Outcome);
        Assert.StartsWith("Conflict: payment p1", conflict.Reason, StringComparison.Ordinal);
        Assert.Equal((25m, 1, "EUR"), await AccountAsync(host, "a1"));
        Assert.Equal(404, (await host.SendAsync("GET", "/accounts/a2")).StatusCode);
    }

    [Fact]
    public async Task AccountOpenedInAnotherCurrencyMeanwhile_IsDeadLetteredAndGivesTheIdBack()
    {
        // Another payment opens a1 in USD between this payment's claim and its own opening of a1.
        var raced = false;
        using var host = Interleaved(LedgerWriter.AccountsCollection, async other =>
        {
            Assert.Equal(MessageOutcome.Success, (await DeliverAsync(other, "m0", Pay("p0", "a1", "5", "USD"))).Outcome);
            raced = true;
        });

        var mismatch = await DeliverAsync(host, "m1", Pay("p1", "a1", "25", "EUR"));

        Assert.True(raced);
        Assert.Equal(MessageOutcome.DeadLetter, mismatch.Outcome);
        Assert.Contains("holds USD", mismatch.Reason, StringComparison.Ordinal);
        Assert.Null(await host.Store.GetAsync(LedgerWriter.PaymentsCollection, "p1"));
        Assert.Equal(MessageOutcome.Success, (await DeliverAsync(host, "m2", Pay("p1", "a1", "25", "USD"))).Outcome);
        Assert.Equal((30m, 2, "USD"), await AccountAsync(host, "a1"));
    }

    [Fact]
    public async Task ClaimLeftByADeliveryThatCrashedOnACurrencyMismatch_IsGivenBackByTheRedelivery()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        await DeliverAsync(host, "m0", Pay("p0", "a1", "5", "USD"));
        var left = new Payment("p1", "a1", 25m, "EUR");
        await host.Store.InsertAsync(LedgerWriter.PaymentsCollection, "p1", JsonSerializer.SerializeToUtf8Bytes(left, LedgerJsonContext.Default.Payment));

        var redelivered = await DeliverAsync(host, "m1", Pay("p1", "a1", "25", "EUR"), deliveryCount: 2);
        var corrected = await DeliverAsync(host, "m2", Pay("p1", "a1", "25", "USD"));

        Assert.Equal(MessageOutcome.DeadLetter, redelivered.Outcome);
        Assert.Contains("holds USD", redelivered.Reason, StringComparison.Ordinal);
        Assert.Equal(MessageOutcome.Success, corrected.Outcome);
        Assert.Equal((30m, 2, "USD"), await AccountAsync(host, "a1"));
    }

    [Fact]
    public async Task CurrencyMismatchOnAccount_IsDeadLettered()
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        await DeliverAsync(host, "m1", Pay("p1", "a1", "25", "EUR"));
        var mismatch = await DeliverAsync(host, "m2", Pay("p2", "a1", "30", "USD"));

        Assert.Equal(MessageOutcome.DeadLetter, mismatch.Outcome);
        Assert.Contains("holds EUR", mismatch.Reason, StringComparison.Ordinal);
        Assert.Contains("USD", mismatch.Reason, StringComparison.Ordinal);
        Assert.Equal((25m, 1, "EUR"), await AccountAsync(host, "a1"));

        // The payment id was not used up by the rejected message: a corrected resend is recorded.
        var corrected = await DeliverAsync(host, "m3", Pay("p2", "a1", "30", "EUR"));
        Assert.Equal(MessageOutcome.Success, corrected.Outcome);
        Assert.Equal((55m, 2, "EUR"), await AccountAsync(host, "a1"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task ShuffledStreamWithDuplicates_BalanceIsSumOfDistinctPayments(int parallelism)
    {
        var random = new Random(20261101 + parallelism);
        string[] accounts = ["acc-1", "acc-2", "acc-3", "acc-4"];
        var currencies = new Dictionary<string, string> { ["acc-1"] = "EUR", ["acc-2"] = "USD", ["acc-3"] = "GBP", ["acc-4"] = "EUR" };
        var payments = Enumerable.Range(0, 150).Select(i =>
        {
            var account = accounts[random.Next(accounts.Length)];
            var amount = random.Next(1, 100_000) / 100m;
            return (Id: $"pay-{i:D4}", Account: account, Amount: amount, Body: Pay($"pay-{i:D4}", account, amount.ToString(CultureInfo.InvariantCulture), currencies[account]));
        }).ToList();

        // 30% duplicates: half redeliveries of the same message, half resends under a new message id.
        var stream = payments.Select((p, i) => Message($"msg-{i}", p.Body)).ToList();
        for (var d = 0; d < payments.Count * 3 / 10; d++)
        {
            var i = random.Next(payments.Count);
            stream.Add(d % 2 == 0 ? Message($"msg-{i}", payments[i].Body, deliveryCount: 2) : Message($"resend-{d}", payments[i].Body));
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(stream));
        var manifest = new FunctionManifestBuilder()
            .AddQueue<LedgerWriter>(LedgerWriter.FunctionName, LedgerWriter.Queue, LedgerWriter.TriggerOptions with { MaxDegreeOfParallelism = parallelism })
            .AddHttp(AccountsApi.FunctionName, AccountsApi.MapRoutes)
            .Build();
        using var host = new FunctionTestHost(manifest, s => s.AddPatterns());

        // Deliver in batches of 10; whatever is retried (a duplicate racing its original) comes back later.
        var pending = new Queue<IncomingMessage>(stream);
        var rounds = 0;
        while (pending.Count > 0)
        {
            Assert.True(++rounds < 1000, "The stream did not settle.");
            var batch = Enumerable.Range(0, Math.Min(10, pending.Count)).Select(_ => pending.Dequeue()).ToArray();
            var settlements = await host.DeliverAsync(LedgerWriter.FunctionName, batch);
            for (var i = 0; i < batch.Length; i++)
            {
                Assert.NotEqual(MessageOutcome.DeadLetter, settlements[i].Outcome);
                if (settlements[i].Outcome == MessageOutcome.Retry)
                {
                    pending.Enqueue(batch[i] with { DeliveryCount = batch[i].DeliveryCount + 1 });
                }
            }
        }

        Assert.Empty(host.DeadLetters.Received);
        foreach (var account in accounts)
        {
            var mine = payments.Where(p => p.Account == account).ToList();
            Assert.Equal((mine.Sum(p => p.Amount), mine.Count, currencies[account]), await AccountAsync(host, account));
        }
    }

    [Fact]
    public async Task CrashAfterAnyWrite_ThenRedelivery_NeitherLostNorDoubled()
    {
        // How many writes one clean delivery makes (payment claim, account, entry).
        int writes;
        {
            CrashingStateStore? counter = null;
            using var clean = new FunctionTestHost(PatternsApp.App, o => o.DecorateStore = s => counter = new CrashingStateStore(s));
            Assert.Equal(MessageOutcome.Success, (await DeliverAsync(clean, "m1", Pay("p1", "a1", "12.34"))).Outcome);
            writes = counter!.Writes;
        }

        Assert.InRange(writes, 3, 10);
        for (var crashAfter = 0; crashAfter <= writes; crashAfter++)
        {
            CrashingStateStore? store = null;
            using var host = new FunctionTestHost(PatternsApp.App, o => o.DecorateStore = s => store = new CrashingStateStore(s));
            store!.CrashAfter(crashAfter);

            var first = await DeliverAsync(host, "m1", Pay("p1", "a1", "12.34"));
            Assert.Equal(crashAfter >= writes ? MessageOutcome.Success : MessageOutcome.Retry, first.Outcome);

            // The process comes back; the platform redelivers once the crashed attempt's claim has lapsed.
            store.Recover();
            host.Clock.Advance(IdempotencyRecords.DefaultInProgressLifetime + TimeSpan.FromSeconds(1));
            var redelivered = await DeliverAsync(host, "m1", Pay("p1", "a1", "12.34"), deliveryCount: 2);
            var resent = await DeliverAsync(host, "m2", Pay("p1", "a1", "12.34"));

            Assert.Equal(MessageOutcome.Success, redelivered.Outcome);
            Assert.Equal(MessageOutcome.Success, resent.Outcome);
            Assert.Equal((12.34m, 1, "EUR"), await AccountAsync(host, "a1"));
            Assert.Empty(host.DeadLetters.Received);
        }
    }

    [Fact]
    public async Task GetAccount_ReturnsAccountBalanceCurrencyAndEntries()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        await DeliverAsync(host, "m1", Pay("p1", "a-9", "10.50", "CHF"));
        await DeliverAsync(host, "m2", Pay("p2", "a-9", "0.25", "CHF"));

        var response = await host.SendAsync("GET", "/accounts/a-9");

        Assert.Equal(200, response.StatusCode);
        Assert.StartsWith("application/json", response.Headers["Content-Type"], StringComparison.Ordinal);
        var json = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal(["account", "balance", "currency", "entries"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("a-9", json.GetProperty("account").GetString());
        Assert.Equal(10.75m, json.GetProperty("balance").GetDecimal());
        Assert.Equal("CHF", json.GetProperty("currency").GetString());
        Assert.Equal(2, json.GetProperty("entries").GetInt32());
    }

    [Fact]
    public async Task GetAccount_ManyEntries_SumsAcrossPages()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        var batch = Enumerable.Range(0, 1203).Select(i => Message($"m{i}", Pay($"p{i}", "big", "0.01"))).ToArray();
        foreach (var chunk in batch.Chunk(10))
        {
            Assert.All(await host.DeliverAsync(LedgerWriter.FunctionName, chunk), s => Assert.Equal(MessageOutcome.Success, s.Outcome));
        }

        Assert.Equal((12.03m, 1203, "EUR"), await AccountAsync(host, "big"));
    }

    [Fact]
    public async Task GetAccount_Unknown_Returns404()
    {
        using var host = new FunctionTestHost(PatternsApp.App);

        var response = await host.SendAsync("GET", "/accounts/nobody");

        Assert.Equal(404, response.StatusCode);
        Assert.Contains("nobody", JsonDocument.Parse(response.Body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A host whose first insert into <paramref name="collection"/> waits for <paramref name="interleave"/> to run another delivery on it.</summary>
    private static FunctionTestHost Interleaved(string collection, Func<FunctionTestHost, Task> interleave)
    {
        FunctionTestHost? host = null;
        var done = false;
        host = new FunctionTestHost(PatternsApp.App, o => o.DecorateStore = s => new ObservedStateStore(s, async (written, _) =>
        {
            if (written == collection && !done)
            {
                done = true;
                await interleave(host!);
            }
        }));
        return host;
    }

    /// <summary>Calls <c>before</c> ahead of every insert, with the collection and key, to let a test interleave another delivery.</summary>
    private sealed class ObservedStateStore(IStateStore inner, Func<string, string, Task> before) : DelegatingStateStore(inner)
    {
        public override async ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
        {
            await before(collection, key);
            return await Inner.InsertAsync(collection, key, value, expiresAt, cancellationToken);
        }
    }

    /// <summary>
    /// A store that dies (every operation throws, as the process would be gone) once a set number of further
    /// writes have landed, and comes back on <see cref="Recover"/> with everything written before the crash.
    /// </summary>
    private sealed class CrashingStateStore(IStateStore inner) : IStateStore
    {
        private int _writesLeft = int.MaxValue;
        private bool _crashed;

        public int Writes { get; private set; }

        public void CrashAfter(int writes) => _writesLeft = writes;

        public void Recover()
        {
            _crashed = false;
            _writesLeft = int.MaxValue;
        }

        public ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
        {
            ThrowIfCrashed();
            return inner.GetAsync(collection, key, cancellationToken);
        }

        public ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default)
        {
            ThrowIfCrashed();
            return inner.ListAsync(collection, limit, afterKey, cancellationToken);
        }

        public ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
            Write(() => inner.InsertAsync(collection, key, value, expiresAt, cancellationToken));

        public ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
            Write(() => inner.ReplaceAsync(collection, key, value, ifMatch, expiresAt, cancellationToken));

        public ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
            Write(() => inner.PutAsync(collection, key, value, expiresAt, cancellationToken));

        public ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default) =>
            Write(() => inner.DeleteAsync(collection, key, ifMatch, cancellationToken));

        private ValueTask<T> Write<T>(Func<ValueTask<T>> write)
        {
            ThrowIfCrashed();
            if (_writesLeft-- <= 0)
            {
                _crashed = true;
                ThrowIfCrashed();
            }

            Writes++;
            return write();
        }

        private void ThrowIfCrashed()
        {
            if (_crashed)
            {
                throw new IOException("The process crashed.");
            }
        }
    }
}
