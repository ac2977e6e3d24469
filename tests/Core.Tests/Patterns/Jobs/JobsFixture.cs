using System.Globalization;
using System.Text;
using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Jobs;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Patterns.Jobs;

/// <summary>The CSV job tests' host, requests and expected totals.</summary>
internal static class JobsFixture
{
    public static FunctionTestHost Host(JobOptions? options = null, Action<FunctionTestHostOptions>? configure = null) =>
        new(new FunctionManifestBuilder().AddJobs().Build(), services => services.AddJobs(options ?? new JobOptions()), configure);

    public static ValueTask<PortableHttpResponse> PostCsvAsync(this FunctionTestHost host, string csv, params (string Name, string Value)[] headers) =>
        host.SendAsync("POST", "/jobs", csv, [("Content-Type", "text/csv"), .. headers]);

    public static JsonElement Json(PortableHttpResponse response) => JsonDocument.Parse(response.Body).RootElement.Clone();

    /// <summary>Posts <paramref name="csv"/>, checks the 202 and returns the job id.</summary>
    public static async Task<string> StartAsync(this FunctionTestHost host, string csv, params (string Name, string Value)[] headers)
    {
        var response = await host.PostCsvAsync(csv, headers);
        Assert.Equal(202, response.StatusCode);
        var id = Json(response).GetProperty("id").GetString()!;
        Assert.Equal($"/jobs/{id}", response.Headers["Location"]);
        return id;
    }

    public static async Task<JsonElement> GetJobAsync(this FunctionTestHost host, string id)
    {
        var response = await host.SendAsync("GET", $"/jobs/{id}");
        Assert.Equal(200, response.StatusCode);
        return Json(response);
    }

    /// <summary>
    /// Takes every chunk message waiting to be delivered, in chunk order, so the test delivers them as it likes. (The
    /// job publishes its chunks a few at a time in parallel, so they arrive in any order; a message's id ends with
    /// its chunk's zero-padded index.)
    /// </summary>
    public static List<IncomingMessage> TakeChunks(this FunctionTestHost host)
    {
        var messages = new List<IncomingMessage>();
        while (host.Publisher.TakeNext() is { } message)
        {
            Assert.Equal(JobChunkWorker.Queue, message.Source);
            messages.Add(message);
        }

        return [.. messages.OrderBy(m => m.Id, StringComparer.Ordinal)];
    }

    /// <summary>Category → (count, sum as the JSON must write it), from the job's <c>result</c>.</summary>
    public static Dictionary<string, (int Count, string Sum)> Result(JsonElement job) =>
        job.GetProperty("result").EnumerateObject().ToDictionary(
            p => p.Name,
            p => (p.Value.GetProperty("count").GetInt32(), p.Value.GetProperty("sum").GetRawText()),
            StringComparer.Ordinal);

    public static (int Line, string Reason)[] Rejected(JsonElement job) =>
        [.. job.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("reason").GetString()!))];

    public static (int Total, int Done) Chunks(JsonElement job) =>
        (job.GetProperty("chunks").GetProperty("total").GetInt32(), job.GetProperty("chunks").GetProperty("done").GetInt32());

    /// <summary>
    /// <paramref name="rows"/> data rows over seven categories (some needing quotes: a comma, quotes, a line break, and
    /// one not in ASCII), amounts with two or three decimal places and some negative, CRLF line ends; and the totals
    /// they must give, summed here with decimal arithmetic and written as System.Decimal writes them.
    /// </summary>
    public static (string Csv, Dictionary<string, (int Count, string Sum)> Expected) Generate(int rows, string lineEnd = "\r\n")
    {
        string[] categories = ["food", "rent", "travel", "café ☕", "books, used", "a \"quoted\" one", "two\r\nlines"];
        var csv = new StringBuilder("category,amount").Append(lineEnd);
        var totals = new Dictionary<string, (int Count, decimal Sum)>(StringComparer.Ordinal);
        for (var i = 0; i < rows; i++)
        {
            var category = categories[i % categories.Length];
            var cents = (i * 7919L) % 1_000_000;
            var amount = (i % 11 == 0 ? $"{cents / 1000}.{cents % 1000:D3}" : $"{cents / 100}.{cents % 100:D2}");
            if (i % 13 == 0)
            {
                amount = "-" + amount;
            }

            csv.Append(Quote(category)).Append(',').Append(amount).Append(lineEnd);
            var value = decimal.Parse(amount, CultureInfo.InvariantCulture);
            totals[category] = totals.TryGetValue(category, out var t) ? (t.Count + 1, t.Sum + value) : (1, value);
        }

        return (csv.ToString(), totals.ToDictionary(t => t.Key, t => (t.Value.Count, t.Value.Sum.ToString(CultureInfo.InvariantCulture)), StringComparer.Ordinal));
    }

    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
