using System.Text.Json;
using Portable.Core.Http;
using Portable.Core.State;

namespace Portable.Core.Patterns.Ledger;

/// <summary><c>GET /accounts/{account}</c>: the balance derived from the account's ledger entries.</summary>
public sealed class AccountsApi(IStateStore store)
{
    /// <summary>The function's name in the manifest.</summary>
    public const string FunctionName = "accounts-api";

    /// <summary>Declares the routes of <c>accounts-api</c>.</summary>
    public static void MapRoutes(HttpRoutesBuilder routes) =>
        routes?.Map<AccountsApi>("GET", "/accounts/{account}", static (api, request, _, ct) => api.GetAsync(request, ct));

    /// <summary>200 with <c>{"account","balance","currency","entries"}</c>, or 404 for an account with no payments.</summary>
    public async ValueTask<PortableHttpResponse> GetAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = request.RouteValues["account"];
        var record = await store.GetAsync(LedgerWriter.AccountsCollection, account, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return PortableHttpResponse.Error(404, $"Account {account} has no payments.");
        }

        var currency = JsonSerializer.Deserialize(record.Value.Span, LedgerJsonContext.Default.AccountRecord)!.Currency;
        var balance = 0m;
        var entries = 0;
        string? after = null;
        while (true)
        {
            var page = await store.ListAsync(LedgerWriter.EntriesCollection(account), 500, after, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                balance += JsonSerializer.Deserialize(entry.Value.Span, LedgerJsonContext.Default.LedgerEntry)!.Amount;
                entries++;
            }

            if (!page.HasMore || page.Entries.Count == 0)
            {
                break;
            }

            after = page.Entries[^1].Key;
        }

        return PortableHttpResponse.Json(200, new AccountBalance(account, balance, currency, entries), LedgerJsonContext.Default.AccountBalance);
    }
}
