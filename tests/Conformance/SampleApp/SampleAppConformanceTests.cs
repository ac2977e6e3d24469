using System.Net;
using System.Text.Json;
using Portable.SampleApp;
using Xunit.Abstractions;

namespace Portable.Conformance.SampleApp;

/// <summary>
/// A second, tiny app that is not one of the patterns (tests/SampleApp's <c>TallyApp</c>, with its own manifest) runs
/// unchanged on every host, each through its platform's real protocol: the same scenario, the same observations.
/// </summary>
public sealed class SampleAppConformanceTests(ITestOutputHelper output)
{
    private const string Tally = """{"key":"k"}""";
    private const string Poison = "not json";

    /// <summary>What every host must be seen to do, in the scenario's order.</summary>
    private static readonly string[] Expected =
    [
        """GET /hello/ada: 200 {"greeting":"Hello, ada!"}""",
        "GET /nowhere: 404 application/json {error}",
        "dead letters: 1",
        "dead letter: 'not json' (reason: not JSON)",
        """GET /tallies/k: 200 {"key":"k","count":3}""",
    ];

    public static TheoryData<string> HostNames => [.. SampleHosts.Names];

    [Theory]
    [MemberData(nameof(HostNames))]
    public async Task TallyApp_RunsUnchangedOnEveryHost(string host)
    {
        await using var underTest = await SampleHosts.StartAsync(host);
        var transcript = new List<string>
        {
            await GetAsync(underTest.Client, "/hello/ada"),
            await GetAsync(underTest.Client, "/nowhere"),
        };

        // Three tallies of k, one of them delivered twice with the same id (counted once), and a poison message.
        await underTest.SendAsync(Tally);
        await underTest.SendAsync(Tally);
        await underTest.SendDeliveredTwiceAsync(Tally);
        await underTest.SendAsync(Poison);

        var letters = await underTest.DeadLettersAsync();
        transcript.Add($"dead letters: {letters.Count}");
        transcript.AddRange(letters.Select(l => $"dead letter: '{l.Body}' (reason: {(l.Reason.Contains("not JSON", StringComparison.Ordinal) ? "not JSON" : l.Reason)})"));
        transcript.Add(await GetAsync(underTest.Client, "/tallies/k"));

        output.WriteLine($"{host}, dead letters read from {underTest.DeadLetterPath}:\n  {string.Join("\n  ", transcript)}");
        Assert.True(
            Expected.SequenceEqual(transcript),
            $"[{host}] expected:\n  {string.Join("\n  ", Expected)}\nobserved (dead letters from {underTest.DeadLetterPath}):\n  {string.Join("\n  ", transcript)}\nHost output:\n{underTest.Output}");
    }

    /// <summary>
    /// <c>GET <paramref name="path"/></c>, normalised: status and body as sent for the app's answers; for an error,
    /// its status, content type and shape (the wording is the host's).
    /// </summary>
    private static async Task<string> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return $"GET {path}: 200 {body}";
        }

        return $"GET {path}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {(IsErrorBody(body) ? "{error}" : body)}";
    }

    private static bool IsErrorBody(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out _);
        }
        catch (JsonException)
        {
            return false; // shown as it came, so the difference is plain
        }
    }
}
