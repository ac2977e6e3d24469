using System.Net;
using System.Text.Json;

namespace Portable.Compare.Hosts;

/// <summary>An account as <c>GET /accounts/{account}</c> (the <c>accounts-api</c> function) answers it.</summary>
public sealed record LedgerAccount(string Account, decimal Balance, int Entries, string Currency);

/// <summary>Reads the ledger's accounts from any host's front door.</summary>
public static class LedgerAccounts
{
    /// <summary><c>GET /accounts/{account}</c>: the account, or null when it has no entry (404).</summary>
    /// <exception cref="InvalidOperationException">Any other answer, or an answer about another account.</exception>
    public static async Task<LedgerAccount?> ReadAsync(HttpClient client, string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri($"/accounts/{account}", UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /accounts/{account} answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var read = new LedgerAccount(root.GetProperty("account").GetString()!, root.GetProperty("balance").GetDecimal(), root.GetProperty("entries").GetInt32(), root.GetProperty("currency").GetString()!);
        return read.Account == account ? read : throw new InvalidOperationException($"GET /accounts/{account} answered about {read.Account}: {text}");
    }
}
