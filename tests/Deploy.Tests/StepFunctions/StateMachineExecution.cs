using System.Text.Json;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>One execution as run-machine.mjs reports it.</summary>
/// <param name="Status"><c>SUCCEEDED</c> or <c>FAILED</c>.</param>
/// <param name="Error">The error a failed execution ended with (a Fail state's <c>Error</c>, or an uncaught state error).</param>
/// <param name="Cause">Its cause.</param>
/// <param name="Output">A succeeded execution's output.</param>
/// <param name="Events">The execution's events, in order.</param>
public sealed record StateMachineExecution(string Status, string? Error, string? Cause, JsonElement? Output, IReadOnlyList<ExecutionEvent> Events)
{
    /// <summary>True for a succeeded execution.</summary>
    public bool Succeeded => Status == "SUCCEEDED";

    /// <summary>The states entered, in order (a retried state is entered once).</summary>
    public IReadOnlyList<string> StatesEntered => [.. Events.Where(e => e.Type == "StateEntered").Select(e => e.State!)];

    /// <summary>How many times <paramref name="state"/> was retried.</summary>
    public int Retries(string state) => Events.Count(e => e.Type == "StateRetried" && e.State == state);

    public static StateMachineExecution Parse(string line)
    {
        var root = JsonDocument.Parse(line).RootElement;
        var events = root.GetProperty("events").EnumerateArray().Select(e => new ExecutionEvent(
            e.GetProperty("type").GetString()!,
            e.GetProperty("timestamp").GetInt64(),
            Text(e, "state"),
            Text(e, "error"),
            Text(e, "cause"),
            e.TryGetProperty("retryAttempt", out var attempt) ? attempt.GetInt32() : null,
            Text(e, "next"))).ToList();
        return new StateMachineExecution(
            root.GetProperty("status").GetString()!,
            Text(root, "error"),
            Text(root, "cause"),
            root.TryGetProperty("output", out var output) ? output.Clone() : null,
            events);
    }

    public override string ToString() =>
        $"{Status} {Error} {Cause}\n" + string.Join('\n', Events.Select(e => $"  {e.Type} {e.State} {e.Error} {e.Next}"));

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
