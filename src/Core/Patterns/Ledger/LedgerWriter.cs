using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Core.State;

namespace Portable.Core.Patterns.Ledger;

/// <summary>
/// Pattern 2, the queue processor: a payments ledger that never double-charges. Each valid payment becomes one
/// ledger entry, keyed by its <c>paymentId</c> and written with insert-if-absent, so the entry itself is the
/// exactly-once marker; the balance is derived from the entries, so there is no second write that a crash
/// could separate from the first. A <c>paymentId</c> is claimed across all accounts first (insert-if-absent
/// in <see cref="PaymentsCollection"/>, holding the whole payment), so it cannot be charged to two accounts and a
/// payment reusing it with other content is found before anything else is written; a crash between that claim
/// and the entry is healed by the redelivery, which finds its own claim and writes the entry. Bad data and a
/// <c>paymentId</c> reused with other content are permanent failures (dead-lettered with the reason);
/// anything else is transient. These markers make the effect exactly once by themselves, under concurrent and
/// conflicting duplicates too, so the generic message-idempotency layer is off for this function
/// (<see cref="TriggerOptions"/>): it would only add a claim and a completion record per message.
/// </summary>
public sealed class LedgerWriter(IStateStore store, TimeProvider timeProvider) : IMessageFunction
{
    /// <summary>The function's name in the manifest.</summary>
    public const string FunctionName = "ledger-writer";

    /// <summary>The queue or topic it consumes.</summary>
    public const string Queue = "payments";

    /// <summary>The collection holding account records.</summary>
    public const string AccountsCollection = "accounts";

    /// <summary>The collection holding each <c>paymentId</c>'s payment, whatever its account: one payment per id.</summary>
    public const string PaymentsCollection = "payments";

    /// <summary>The collection holding <paramref name="account"/>'s entries.</summary>
    public static string EntriesCollection(string account) => "ledger:" + account;

    /// <summary>
    /// The trigger options: the generic message-idempotency middleware is off, as the ledger's own markers keep each
    /// payment's effect exactly once and tell a conflicting duplicate from a duplicate by the payment's values.
    /// </summary>
    public static QueueTriggerOptions TriggerOptions { get; } = new() { DisableIdempotency = true };

    /// <inheritdoc />
    public async ValueTask<MessageResult> HandleAsync(IncomingMessage message, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Payment.TryParse(message.Body.Span, out var payment, out var error))
        {
            return MessageResult.DeadLetter(error);
        }

        // An account keeps the currency of its first payment: a payment in another one is refused before it claims its id.
        var account = await ReadAccountAsync(payment.Account, cancellationToken).ConfigureAwait(false);
        if (account is not null && account.Currency != payment.Currency)
        {
            await ReleaseLeftClaimAsync(payment, cancellationToken).ConfigureAwait(false);
            return MessageResult.DeadLetter(CurrencyMismatch(account, payment));
        }

        // The claim comes before the account is created, so a conflicting payment leaves no trace (not even an account).
        var claim = await store.InsertAsync(PaymentsCollection, payment.PaymentId, JsonSerializer.SerializeToUtf8Bytes(payment, LedgerJsonContext.Default.Payment), cancellationToken: cancellationToken).ConfigureAwait(false);
        var claimETag = claim.ETag;
        if (!claim.Succeeded)
        {
            // Ours from an earlier, interrupted or concurrent delivery (carry on and write the entry), or another payment.
            var existingClaim = await store.GetAsync(PaymentsCollection, payment.PaymentId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Payment {payment.PaymentId} vanished between insert and read.");
            if (Conflict(payment, existingClaim) is { } conflict)
            {
                return MessageResult.DeadLetter(conflict);
            }

            claimETag = existingClaim.ETag;
        }

        if (account is null)
        {
            account = await EnsureAccountAsync(payment, cancellationToken).ConfigureAwait(false);
            if (account.Currency != payment.Currency)
            {
                // A payment in another currency opened the account meanwhile: give the id back, so a corrected resend can use it.
                await store.DeleteAsync(PaymentsCollection, payment.PaymentId, claimETag, cancellationToken).ConfigureAwait(false);
                return MessageResult.DeadLetter(CurrencyMismatch(account, payment));
            }
        }

        var entry = new LedgerEntry(payment.PaymentId, payment.Amount, payment.Currency, message.Id, timeProvider.GetUtcNow());
        var collection = EntriesCollection(payment.Account);
        var written = await store.InsertAsync(collection, payment.PaymentId, JsonSerializer.SerializeToUtf8Bytes(entry, LedgerJsonContext.Default.LedgerEntry), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (written.Succeeded)
        {
            return MessageResult.Success;
        }

        // Already recorded: the same payment again is a duplicate; different content under its id is a conflict.
        var existing = await store.GetAsync(collection, payment.PaymentId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Ledger entry {payment.PaymentId} vanished between insert and read.");
        var recorded = JsonSerializer.Deserialize(existing.Value.Span, LedgerJsonContext.Default.LedgerEntry)!;
        return recorded.Amount == payment.Amount && recorded.Currency == payment.Currency
            ? MessageResult.Success
            : MessageResult.DeadLetter($"Conflict: payment {payment.PaymentId} was already recorded for {recorded.Amount} {recorded.Currency}; this message says {payment.Amount} {payment.Currency}.");
    }

    private static string CurrencyMismatch(AccountRecord account, Payment payment) =>
        $"Account {payment.Account} holds {account.Currency}; payment {payment.PaymentId} is in {payment.Currency}.";

    // Compared by value: the amount as a decimal, so 10.5 and 10.50 are the same payment.
    private static string? Conflict(Payment payment, StateEntry claimed)
    {
        var recorded = JsonSerializer.Deserialize(claimed.Value.Span, LedgerJsonContext.Default.Payment)!;
        return recorded == payment
            ? null
            : $"Conflict: payment {payment.PaymentId} was already recorded for {recorded.Amount} {recorded.Currency} on account {recorded.Account}; this message says {payment.Amount} {payment.Currency} on account {payment.Account}.";
    }

    /// <summary>
    /// Removes a claim of exactly this payment left by a delivery that crashed before it could give the id back after
    /// finding the account in another currency: no entry can stand behind it (an account never changes currency).
    /// </summary>
    private async ValueTask ReleaseLeftClaimAsync(Payment payment, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(PaymentsCollection, payment.PaymentId, cancellationToken).ConfigureAwait(false) is { } left
            && Conflict(payment, left) is null)
        {
            await store.DeleteAsync(PaymentsCollection, payment.PaymentId, left.ETag, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<AccountRecord?> ReadAccountAsync(string account, CancellationToken cancellationToken) =>
        await store.GetAsync(AccountsCollection, account, cancellationToken).ConfigureAwait(false) is { } entry
            ? JsonSerializer.Deserialize(entry.Value.Span, LedgerJsonContext.Default.AccountRecord)
            : null;

    private async ValueTask<AccountRecord> EnsureAccountAsync(Payment payment, CancellationToken cancellationToken)
    {
        var record = new AccountRecord(payment.Currency);
        var written = await store.InsertAsync(AccountsCollection, payment.Account, JsonSerializer.SerializeToUtf8Bytes(record, LedgerJsonContext.Default.AccountRecord), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (written.Succeeded)
        {
            return record;
        }

        var existing = await store.GetAsync(AccountsCollection, payment.Account, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Account {payment.Account} vanished between insert and read.");
        return JsonSerializer.Deserialize(existing.Value.Span, LedgerJsonContext.Default.AccountRecord)!;
    }
}
