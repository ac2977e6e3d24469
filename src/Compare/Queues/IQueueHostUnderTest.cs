using Portable.Compare.Hosts;
using Portable.Core.Messaging;

namespace Portable.Compare.Queues;

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

    /// <summary>Where a dead letter goes on this host, as the platform names it (<c>payments-dlq</c>, <c>payments-poison</c>).</summary>
    string DeadLetterDestination { get; }

    /// <summary>Sends <paramref name="body"/> as the platform's producers do; returns the transport's message id.</summary>
    /// <param name="body">The message body (UTF-8 text).</param>
    /// <param name="messageId">The id to give the message where the transport lets the sender choose one (local); ignored elsewhere.</param>
    /// <param name="cancellationToken">Stops the send.</param>
    Task<string> SendAsync(string body, string? messageId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers until nothing is left to deliver, moving the emulator's clock past visibility timeouts and backoffs
    /// instead of waiting. Returns what the platform did, as far as it can be seen.
    /// </summary>
    /// <param name="cancellationToken">Stops the drain between deliveries.</param>
    /// <exception cref="InvalidOperationException">Messages were left after the most drain rounds, or a delivery's invocation failed.</exception>
    Task<DrainResult> DrainAsync(CancellationToken cancellationToken = default);

    /// <summary>Every dead letter so far: the body, the reason the host gave, and the delivery it happened on.</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync(CancellationToken cancellationToken = default);

    /// <summary>The account's balance, entry count and currency (null when the account has no entry).</summary>
    /// <param name="account">The account.</param>
    /// <param name="paymentIds">Every payment id ever sent for the account (used by hosts that can only probe the ledger).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    Task<LedgerAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds, CancellationToken cancellationToken = default);

    /// <summary>How many deliveries the message with transport id <paramref name="transportId"/> has had.</summary>
    /// <param name="transportId">The id <see cref="SendAsync"/> returned.</param>
    int DeliveriesOf(string transportId);
}
