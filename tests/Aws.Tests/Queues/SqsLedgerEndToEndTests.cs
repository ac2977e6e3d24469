using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portable.Aws.Tests.EndToEnd;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Ledger;
using Portable.Emulators.Aws;
using Portable.Emulators.Processes;

namespace Portable.Aws.Tests.Queues;

/// <summary>
/// The real bootstrap as a child process with <c>_HANDLER=ledger-writer</c>, fed by the SQS event source emulator
/// through the Runtime API emulator; the bootstrap's own SQS dead-letter sink sends to the emulator's
/// <c>payments-dlq</c> over the SQS JSON protocol. The ledger's store lives inside the bootstrap process, so what was
/// applied is read back through the ledger itself (see <see cref="AssertAppliedAsync"/>).
/// </summary>
public class SqsLedgerEndToEndTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class Stack : IAsyncDisposable
    {
        public FakeTimeProvider Time { get; } = new(Start);

        public LambdaRuntimeApiEmulator Lambda { get; private set; } = null!;

        public SqsEventSourceEmulator Sqs { get; private set; } = null!;

        public ChildProcess Function { get; private set; } = null!;

        public static async Task<Stack> StartAsync(double? transientFaultRate = null)
        {
            var stack = new Stack();
            stack.Lambda = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = LedgerWriter.FunctionName });
            stack.Sqs = await SqsEventSourceEmulator.StartAsync(stack.Lambda, new SqsEventSourceEmulatorOptions
            {
                QueueName = LedgerWriter.Queue,
                BatchSize = LedgerWriter.TriggerOptions.BatchSize,
                TimeProvider = stack.Time,
            });
            var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["AWS_ENDPOINT_URL_SQS"] = stack.Sqs.ServiceUrl.ToString(),
                ["AWS_ACCESS_KEY_ID"] = "AKIDLOCAL",
                ["AWS_SECRET_ACCESS_KEY"] = "local",
                ["AWS_SESSION_TOKEN"] = null,
                [FaultInjectionVariable] = transientFaultRate?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            stack.Function = LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
            {
                BootstrapPath = BootstrapProcessFixture.BootstrapPath,
                RuntimeApi = stack.Lambda.RuntimeApi,
                Handler = LedgerWriter.FunctionName,
                Environment = environment,
            });
            await stack.Function.WaitUntilPollingAsync(stack.Lambda, BootstrapProcessFixture.StartupTimeout);
            return stack;
        }

        public async Task<SqsPollResult> PollAsync()
        {
            var result = await Sqs.PollOnceAsync();
            Assert.True(result.Invocation is null || result.Invocation.IsSuccess, $"{result.Invocation?.Outcome} {result.Invocation?.ErrorBodyText}\n{Function.Output}");
            return result;
        }

        public async ValueTask DisposeAsync()
        {
            await Function.DisposeAsync();
            await Sqs.DisposeAsync();
            await Lambda.DisposeAsync();
        }
    }

    private const string FaultInjectionVariable = "PORTABLE_FAULTS_TRANSIENT_RATE";

    private static string Payment(string id, string account, string amount, string currency = "EUR") =>
        $$"""{"paymentId":"{{id}}","account":"{{account}}","amount":{{amount}},"currency":"{{currency}}"}""";

    private static string Reason(EmulatedSqsMessage letter) => letter.Attributes[PublishingDeadLetterSink.ReasonAttribute];

    /// <summary>
    /// Reads back, through the ledger, that <paramref name="paymentId"/> was applied to <paramref name="account"/>: the
    /// same payment id with another amount is refused as a conflict by the ledger's own payment record, and a payment in
    /// another currency is refused because the account now exists in EUR.
    /// </summary>
    private static async Task AssertAppliedAsync(Stack stack, string paymentId, string account)
    {
        Assert.StartsWith($"Conflict: payment {paymentId} was already recorded", await ProbeAsync(stack, Payment(paymentId, account, "999.99")), StringComparison.Ordinal);
        Assert.StartsWith($"Account {account} holds EUR", await ProbeAsync(stack, Payment("probe-" + Guid.NewGuid().ToString("N")[..8], account, "1", "USD")), StringComparison.Ordinal);
    }

    /// <summary>Sends one message and returns its dead-letter reason, or null when the ledger accepted it.</summary>
    private static async Task<string?> ProbeAsync(Stack stack, string body)
    {
        var before = stack.Sqs.DeadLetters.Count;
        var probe = stack.Sqs.Send(body);
        var poll = await stack.PollAsync();
        if (poll.Failed.Contains(probe))
        {
            // Under fault injection the probe's first delivery fails too: let it come back once.
            stack.Time.Advance(stack.Sqs.Options.VisibilityTimeout);
            poll = await stack.PollAsync();
        }

        Assert.Equal([probe], poll.Deleted);
        return stack.Sqs.DeadLetters.Count == before ? null : Reason(stack.Sqs.DeadLetters[before]);
    }

    [Fact]
    public async Task Batch_WithOnePoisonMessage_DeadLettersExactlyThatOneAndAppliesTheOthers()
    {
        await using var stack = await Stack.StartAsync();
        var ok1 = stack.Sqs.Send(Payment("pay-1", "acc-a", "10.25"));
        var poison = stack.Sqs.Send(Payment("pay-2", "acc-p", "-5"));
        var ok2 = stack.Sqs.Send(Payment("pay-3", "acc-b", "7.00"));
        var ok3 = stack.Sqs.Send(Payment("pay-4", "acc-a", "1.50"));

        var poll = await stack.PollAsync();

        Assert.Equal([ok1, poison, ok2, ok3], poll.Received);
        Assert.Empty(poll.Failed);
        Assert.Equal([ok1, poison, ok2, ok3], poll.Deleted); // the poison was dead-lettered by the function, so SQS deletes it
        Assert.Empty(stack.Sqs.Messages());
        var letter = Assert.Single(stack.Sqs.DeadLetters);
        Assert.Equal(Payment("pay-2", "acc-p", "-5"), letter.Body);
        Assert.Equal(poison, letter.Attributes[PublishingDeadLetterSink.OriginalIdAttribute]);
        Assert.Equal(LedgerWriter.Queue, letter.Attributes[PublishingDeadLetterSink.SourceAttribute]);
        Assert.Equal("1", letter.Attributes[PublishingDeadLetterSink.DeliveryCountAttribute]);
        Assert.Contains("amount must be greater than 0", Reason(letter), StringComparison.Ordinal);

        await AssertAppliedAsync(stack, "pay-1", "acc-a");
        await AssertAppliedAsync(stack, "pay-3", "acc-b");
        await AssertAppliedAsync(stack, "pay-4", "acc-a");
        Assert.Null(await ProbeAsync(stack, Payment("pay-5", "acc-p", "1", "USD"))); // the poison left no account behind
    }

    [Fact]
    public async Task DuplicateDelivery_IsAcknowledgedAndHasOneEffect()
    {
        await using var stack = await Stack.StartAsync();
        var first = stack.Sqs.Send(Payment("pay-dup", "acc-d", "42.00"));
        var duplicate = stack.Sqs.Send(Payment("pay-dup", "acc-d", "42.00"));

        var poll = await stack.PollAsync();
        var again = stack.Sqs.Send(Payment("pay-dup", "acc-d", "42.00"));
        var later = await stack.PollAsync();

        Assert.Equal([first, duplicate], poll.Deleted);
        Assert.Equal([again], later.Deleted);
        Assert.Empty(stack.Sqs.DeadLetters);
        await AssertAppliedAsync(stack, "pay-dup", "acc-d");
    }

    [Fact]
    public async Task TransientFailure_IsRetriedAfterTheVisibilityTimeoutAndApplied()
    {
        await using var stack = await Stack.StartAsync(transientFaultRate: 1.0); // every first delivery fails, as a flaky downstream would
        var id = stack.Sqs.Send(Payment("pay-flaky", "acc-f", "3.30"));

        var first = await stack.PollAsync();
        Assert.Equal([id], first.Failed);
        Assert.Equal(1, Assert.Single(stack.Sqs.Messages()).ReceiveCount);

        var hidden = await stack.PollAsync();
        Assert.Empty(hidden.Received); // still invisible

        stack.Time.Advance(stack.Sqs.Options.VisibilityTimeout);
        var retried = await stack.PollAsync();

        Assert.Equal([id], retried.Deleted);
        Assert.Empty(stack.Sqs.Messages());
        Assert.Empty(stack.Sqs.DeadLetters);
        using var sent = JsonDocument.Parse(stack.Sqs.BuildEvent([new EmulatedSqsMessage("x", "{}", new Dictionary<string, string>(), Start) { ReceiveCount = 2 }]));
        Assert.Equal("2", sent.RootElement.GetProperty("Records")[0].GetProperty("attributes").GetProperty("ApproximateReceiveCount").GetString());
        await AssertAppliedAsync(stack, "pay-flaky", "acc-f");
    }
}
