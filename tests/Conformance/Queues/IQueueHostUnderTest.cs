using Portable.Core.Messaging;
using Portable.Compare.Hosts;

namespace Portable.Conformance.Queues;

/// <summary>
/// A host running the ledger's queue function (<c>ledger-writer</c> on <c>payments</c>) behind its platform's real
/// delivery protocol, with the means to send messages, deliver them, and read the effect back.
/// </summary>
public interface IQueueHostUnderTest : IAsyncDisposable
{
    /// <summary>The delivery numbers the host's platform (and its emulator) applies.</summary>
    DeliveryProfile Profile { get; }

    /// <summary>How balances are read on this host (for the transcript's facts).</summary>
    string ReadsVia { get; }

    /// <summary>Sends <paramref name="body"/> as the platform's producers do; returns the transport's message id.</summary>
    /// <param name="messageId">The id to give the message where the transport lets the sender choose one (local); ignored elsewhere.</param>
    Task<string> SendAsync(string body, string? messageId = null);

    /// <summary>
    /// Delivers until nothing is left to deliver, moving the emulator's clock past visibility timeouts and backoffs
    /// instead of waiting. Returns what the platform did, as far as it can be seen.
    /// </summary>
    Task<DrainResult> DrainAsync();

    /// <summary>Every dead letter so far: the body, the reason the host gave, and the delivery it happened on.</summary>
    Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync();

    /// <summary>The account's balance, entry count and currency (null when the account has no entry).</summary>
    /// <param name="account">The account.</param>
    /// <param name="paymentIds">Every payment id ever sent for the account (used by hosts that can only probe the ledger).</param>
    Task<LedgerAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds);

    /// <summary>How many deliveries the message with transport id <paramref name="transportId"/> has had.</summary>
    int DeliveriesOf(string transportId);
}

/// <summary>What one drain did: the invocations of the function (null where not observable) and the clock moved.</summary>
public sealed record DrainResult(int? Invocations, TimeSpan? ClockAdvanced);

/// <summary>A dead letter as the host recorded it.</summary>
public sealed record ObservedDeadLetter(string Body, string Reason, int? DeliveryCount);
