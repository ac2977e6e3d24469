namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// The Cloud Run step function as the workflow sees it, scripted per handler: each call to a handler takes the next
/// answer in its script, and a handler whose script is used up succeeds. Every request is kept, in order.
/// </summary>
public sealed class ScriptedStepService : IWorkflowHttp
{
    /// <summary>The service URL the tests deploy the workflow with.</summary>
    public const string ServiceUrl = "https://portable-orders-3k2j9xq4ba-ew.a.run.app";

    private readonly Dictionary<string, Queue<StepAnswer>> _script = new(StringComparer.Ordinal);

    /// <summary>Every request received, in order.</summary>
    public List<WorkflowHttpRequest> Requests { get; } = [];

    /// <summary>The calls as <c>"do reserve-inventory #1"</c>, read from the request bodies.</summary>
    public IReadOnlyList<string> Calls => Requests.Select(r => Describe(r.Body)).ToList();

    /// <summary>Appends <paramref name="answers"/> to <paramref name="handler"/>'s script.</summary>
    public ScriptedStepService Answer(string handler, params StepAnswer[] answers)
    {
        if (!_script.TryGetValue(handler, out var queue))
        {
            _script[handler] = queue = new Queue<StepAnswer>();
        }

        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }

        return this;
    }

    /// <summary>Takes <paramref name="handler"/>'s next answer.</summary>
    public StepAnswer Next(string handler) =>
        _script.TryGetValue(handler, out var queue) && queue.TryDequeue(out var answer) ? answer : StepAnswer.Succeed;

    /// <inheritdoc />
    public WorkflowHttpOutcome Post(WorkflowHttpRequest request)
    {
        Requests.Add(request);
        var step = request.Body is Dictionary<string, object?> body && body.TryGetValue("step", out var s) && s is string name
            ? name
            : throw new InvalidOperationException($"A request without a step: {Describe(request.Body)}");
        return Next(step).ToOutcome();
    }

    /// <summary>A call as <c>"phase step #attempt"</c>.</summary>
    public static string Describe(object? body) =>
        body is Dictionary<string, object?> map
            ? $"{map.GetValueOrDefault("phase")} {map.GetValueOrDefault("step")} #{map.GetValueOrDefault("attempt")}"
            : $"(body {body})";
}
