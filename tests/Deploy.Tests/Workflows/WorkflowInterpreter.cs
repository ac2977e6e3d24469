using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// Runs a Google Workflows definition — exactly the subset <c>WorkflowsGenerator</c> emits, with the semantics the
/// Workflows syntax reference documents — so the tests can walk the generated control flow: steps in order,
/// <c>assign</c>, <c>call</c> (<c>http.post</c> through an <see cref="IWorkflowHttp"/>, and subworkflows with named
/// arguments and their own variables), <c>switch</c> conditions, <c>next</c> (to a step of the same or an enclosing
/// block, or <c>end</c>), <c>raise</c>, <c>return</c>, nested <c>steps</c>, and <c>try</c> with a custom-predicate
/// <c>retry</c> (backoff recorded, not slept) and <c>except</c> (its <c>as</c> variable and the variables it creates
/// are local to it). Anything else — an unknown key, a jump into a block, an undefined variable, a call outside the
/// subset — throws <see cref="InvalidOperationException"/> or <see cref="NotSupportedException"/>, which no
/// <c>except</c> catches: the test fails instead of walking something the real service would reject.
/// </summary>
public sealed partial class WorkflowInterpreter
{
    private const int StepBudget = 10_000;

    private static readonly HashSet<string> StepKeys = new(StringComparer.Ordinal)
    {
        "assign", "call", "args", "result", "next", "switch", "raise", "return", "steps", "try", "retry", "except",
    };

    private static readonly string[] Actions = ["assign", "call", "switch", "raise", "return", "steps", "try"];

    // The interpreter never changes a document, so runs of the same source share its parse.
    private static readonly ConcurrentDictionary<string, Dictionary<string, object?>> Parsed = new(StringComparer.Ordinal);

    private readonly Dictionary<string, object?> _document;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly IWorkflowHttp _http;
    private readonly Action<TimeSpan>? _sleep;
    private readonly List<TimeSpan> _sleeps = [];
    private int _steps;

    /// <summary>Loads <paramref name="yaml"/>; its HTTP calls go to <paramref name="http"/>.</summary>
    /// <param name="yaml">The workflow source.</param>
    /// <param name="environment">Its environment variables (<c>sys.get_env</c>).</param>
    /// <param name="http">Answers its <c>http.post</c> calls.</param>
    /// <param name="sleep">Told of each retry's backoff wait (a fake clock advances by it); the run never really sleeps.</param>
    public WorkflowInterpreter(string yaml, IReadOnlyDictionary<string, string> environment, IWorkflowHttp http, Action<TimeSpan>? sleep = null)
    {
        _sleep = sleep;
        _document = Parsed.GetOrAdd(yaml, y => YamlValues.Load(y) as Dictionary<string, object?> ?? throw new InvalidOperationException("The workflow is not a map of subworkflows."));
        _environment = environment;
        _http = http;
    }

    /// <summary>Runs <c>main</c> with <paramref name="argument"/> as its one parameter.</summary>
    public WorkflowRun Run(object? argument)
    {
        _sleeps.Clear();
        _steps = 0;
        var main = Subworkflow("main");
        var parameters = Parameters(main);
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (parameters.Count == 1)
        {
            variables[parameters[0]] = argument;
        }

        try
        {
            var value = RunBody(main, variables);
            return new WorkflowRun(true, value, null, [.. _sleeps], _steps);
        }
        catch (WorkflowException error)
        {
            return new WorkflowRun(false, null, error.Value, [.. _sleeps], _steps);
        }
    }

    private object? CallSubworkflow(string name, Dictionary<string, object?> arguments)
    {
        var subworkflow = Subworkflow(name);
        var parameters = Parameters(subworkflow);
        var unknown = arguments.Keys.Except(parameters).ToList();
        var missing = parameters.Except(arguments.Keys).ToList();
        if (unknown.Count > 0 || missing.Count > 0)
        {
            throw new InvalidOperationException($"Call of {name}: unknown arguments [{string.Join(", ", unknown)}], missing [{string.Join(", ", missing)}].");
        }

        return RunBody(subworkflow, new Dictionary<string, object?>(arguments, StringComparer.Ordinal));
    }

    private object? RunBody(Dictionary<string, object?> subworkflow, Dictionary<string, object?> variables)
    {
        var steps = subworkflow.TryGetValue("steps", out var s) && s is List<object?> list ? list : throw new InvalidOperationException("A subworkflow without steps.");
        var flow = RunSteps(steps, variables);
        return flow.Kind switch
        {
            FlowKind.Return => flow.Value,
            FlowKind.Jump => throw new InvalidOperationException($"next: {flow.Target} names no step of this subworkflow's blocks that the jump can reach."),
            _ => null,
        };
    }

    private Dictionary<string, object?> Subworkflow(string name) =>
        _document.TryGetValue(name, out var value) && value is Dictionary<string, object?> map
            ? map
            : throw new InvalidOperationException($"No subworkflow '{name}'.");

    private static List<string> Parameters(Dictionary<string, object?> subworkflow) =>
        subworkflow.TryGetValue("params", out var p)
            ? ((List<object?>)p!).Select(x => x as string ?? throw new NotSupportedException("Parameters with defaults.")).ToList()
            : [];

    private Flow RunSteps(List<object?> steps, Dictionary<string, object?> variables)
    {
        var index = 0;
        while (index < steps.Count)
        {
            var (name, body) = SingleStep(steps[index]);
            var flow = RunStep(name, body, variables);
            switch (flow.Kind)
            {
                case FlowKind.Continue:
                    index++;
                    break;
                case FlowKind.Jump when flow.Target == "end":
                    return Flow.End;
                case FlowKind.Jump:
                    var target = steps.FindIndex(item => SingleStep(item).Name == flow.Target);
                    if (target < 0)
                    {
                        return flow;
                    }

                    index = target;
                    break;
                default:
                    return flow;
            }
        }

        return Flow.Continue;
    }

    private static (string Name, Dictionary<string, object?> Body) SingleStep(object? item) =>
        item is Dictionary<string, object?> { Count: 1 } step && step.Single() is { Value: Dictionary<string, object?> body } entry
            ? (entry.Key, body)
            : throw new InvalidOperationException("A step must be a map with one name whose value is a map.");

    private Flow RunStep(string name, Dictionary<string, object?> body, Dictionary<string, object?> variables)
    {
        if (++_steps > StepBudget)
        {
            throw new InvalidOperationException($"More than {StepBudget} steps: the workflow loops (last step {name}).");
        }

        var unknown = body.Keys.Where(k => !StepKeys.Contains(k)).ToList();
        var actions = Actions.Where(body.ContainsKey).ToList();
        if (unknown.Count > 0 || actions.Count > 1 || ((body.ContainsKey("args") || body.ContainsKey("result")) && !body.ContainsKey("call")))
        {
            throw new InvalidOperationException($"Step {name}: unexpected keys [{string.Join(", ", unknown)}] or actions [{string.Join(", ", actions)}].");
        }

        if ((body.ContainsKey("retry") || body.ContainsKey("except")) && !body.ContainsKey("try"))
        {
            throw new InvalidOperationException($"Step {name}: retry or except without try.");
        }

        var flow = actions.SingleOrDefault() switch
        {
            "try" => RunTry(name, body, variables),
            "steps" => RunSteps((List<object?>)body["steps"]!, variables),
            "assign" => Assign(name, body, variables),
            "call" => Call(body, variables),
            "switch" => Switch(name, body, variables),
            "raise" => throw new WorkflowException(Evaluate(body["raise"], variables)),
            "return" => Flow.Returned(Evaluate(body["return"], variables)),
            _ => Flow.Continue,
        };
        return flow.Kind == FlowKind.Continue && body.TryGetValue("next", out var next) ? Flow.JumpTo((string)next!) : flow;
    }

    private Flow Assign(string name, Dictionary<string, object?> body, Dictionary<string, object?> variables)
    {
        foreach (var item in (List<object?>)body["assign"]!)
        {
            var (target, value) = item is Dictionary<string, object?> { Count: 1 } one ? one.Single() : throw new InvalidOperationException($"Step {name}: an assignment must be one key.");
            if (!VariableName().IsMatch(target))
            {
                throw new NotSupportedException($"Step {name}: assigning to '{target}' (only plain variable names are in the subset).");
            }

            variables[target] = YamlValues.Copy(Evaluate(value, variables));
        }

        return Flow.Continue;
    }

    private Flow Call(Dictionary<string, object?> body, Dictionary<string, object?> variables)
    {
        var function = (string)body["call"]!;
        var arguments = body.TryGetValue("args", out var a) ? (Dictionary<string, object?>)Evaluate(a, variables)! : [];
        object? result = function switch
        {
            "http.post" => HttpPost(arguments),
            "sys.log" => null,
            _ when _document.ContainsKey(function) && function != "main" => CallSubworkflow(function, arguments),
            _ => throw new NotSupportedException($"call: {function} is outside the interpreter's subset."),
        };
        if (body.TryGetValue("result", out var name))
        {
            variables[(string)name!] = result;
        }

        return Flow.Continue;
    }

    private Dictionary<string, object?> HttpPost(Dictionary<string, object?> arguments)
    {
        var unknown = arguments.Keys.Except(["url", "body", "headers", "query", "auth", "timeout"]).ToList();
        if (unknown.Count > 0 || arguments.ContainsKey("headers") || arguments.ContainsKey("query"))
        {
            throw new NotSupportedException($"http.post arguments [{string.Join(", ", arguments.Keys)}] are outside the subset.");
        }

        var url = arguments.TryGetValue("url", out var u) && u is string text ? text : throw WorkflowExpression.Error("TypeError", "http.post needs a url string");
        var timeout = arguments.TryGetValue("timeout", out var t) ? Convert.ToDouble(t, CultureInfo.InvariantCulture) : (double?)null;
        var auth = arguments.TryGetValue("auth", out var au) ? au as Dictionary<string, object?> ?? throw WorkflowExpression.Error("TypeError", "auth must be a map") : null;
        var outcome = _http.Post(new WorkflowHttpRequest(url, arguments.GetValueOrDefault("body"), auth, timeout));
        return outcome switch
        {
            WorkflowHttpOutcome.Response { Code: >= 200 and < 300 } ok => Map(("body", ok.Body), ("code", (long)ok.Code), ("headers", new Dictionary<string, object?>())),
            WorkflowHttpOutcome.Response { Code: >= 400 } error => throw new WorkflowException(Map(
                ("message", $"HTTP server responded with error code {error.Code}"),
                ("code", (long)error.Code),
                ("headers", new Dictionary<string, object?>()),
                ("body", error.Body),
                ("tags", new List<object?> { "HttpError" }))),
            WorkflowHttpOutcome.ConnectionLost lost => throw WorkflowExpression.Error("ConnectionError", lost.Message),
            WorkflowHttpOutcome.TimedOut => throw WorkflowExpression.Error("TimeoutError", "Timeout occurred while waiting for the response"),
            _ => throw new NotSupportedException($"The HTTP outcome {outcome}."),
        };
    }

    private Flow Switch(string name, Dictionary<string, object?> body, Dictionary<string, object?> variables)
    {
        foreach (var item in (List<object?>)body["switch"]!)
        {
            var condition = item as Dictionary<string, object?> ?? throw new InvalidOperationException($"Step {name}: a switch condition must be a map.");
            if (Evaluate(condition["condition"], variables) is not bool matched)
            {
                throw WorkflowExpression.Error("TypeError", $"step {name}: a condition must be a boolean");
            }

            if (!matched)
            {
                continue;
            }

            var embedded = condition.Where(e => e.Key != "condition").ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            if (!embedded.ContainsKey("next") && body.ContainsKey("next") && embedded.Count > 0)
            {
                // What follows a matched condition's own steps when the switch step has a next is not documented.
                throw new NotSupportedException($"Step {name}: a matched condition without next inside a switch step with next.");
            }

            return RunStep($"{name}[condition]", embedded, variables);
        }

        return Flow.Continue;
    }

    private Flow RunTry(string name, Dictionary<string, object?> body, Dictionary<string, object?> variables)
    {
        var retry = body.TryGetValue("retry", out var r) ? r as Dictionary<string, object?> ?? throw new NotSupportedException($"Step {name}: only a custom retry policy map is in the subset.") : null;
        var maxRetries = retry is null ? 0 : (long)retry["max_retries"]!;
        var backoff = retry?["backoff"] as Dictionary<string, object?>;
        var retries = 0;
        while (true)
        {
            try
            {
                return body["try"] switch
                {
                    Dictionary<string, object?> step => RunStep($"{name}[try]", step, variables),
                    List<object?> steps => RunSteps(steps, variables),
                    _ => throw new InvalidOperationException($"Step {name}: try must be a step or a list of steps."),
                };
            }
            catch (WorkflowException error)
            {
                if (retry is not null && retries < maxRetries && Retries(retry, error))
                {
                    var delay = Delay(backoff!, retries);
                    _sleeps.Add(delay);
                    _sleep?.Invoke(delay);
                    retries++;
                    continue;
                }

                if (!body.TryGetValue("except", out var e) || e is not Dictionary<string, object?> except)
                {
                    throw;
                }

                return Except(except, error, variables);
            }
        }
    }

    private Flow Except(Dictionary<string, object?> except, WorkflowException error, Dictionary<string, object?> variables)
    {
        var before = variables.Keys.ToHashSet(StringComparer.Ordinal);
        var alias = (string)except["as"]!;
        variables[alias] = error.Value;
        try
        {
            return except.TryGetValue("steps", out var steps) ? RunSteps((List<object?>)steps!, variables) : Flow.Continue;
        }
        finally
        {
            // Variables created in an except block belong to it (Workflows syntax reference, "Variable scope").
            foreach (var created in variables.Keys.Where(k => !before.Contains(k)).ToList())
            {
                variables.Remove(created);
            }
        }
    }

    private bool Retries(Dictionary<string, object?> retry, WorkflowException error)
    {
        var predicate = retry["predicate"] as string;
        var name = predicate is not null && WorkflowExpression.IsExpression(predicate) ? predicate[2..^1] : null;
        if (name is null || !_document.ContainsKey(name))
        {
            throw new NotSupportedException($"Retry predicate {predicate}: only a subworkflow predicate is in the subset.");
        }

        var parameters = Parameters(Subworkflow(name));
        return CallSubworkflow(name, new Dictionary<string, object?>(StringComparer.Ordinal) { [parameters.Single()] = error.Value }) is bool retries
            ? retries
            : throw new InvalidOperationException($"The retry predicate {name} returned no boolean.");
    }

    // Workflows backoff: initial_delay before the first retry, each next one multiplied, none above max_delay.
    private static TimeSpan Delay(Dictionary<string, object?> backoff, int retriesMade)
    {
        var initial = Convert.ToDouble(backoff["initial_delay"], CultureInfo.InvariantCulture);
        var multiplier = Convert.ToDouble(backoff["multiplier"], CultureInfo.InvariantCulture);
        var max = Convert.ToDouble(backoff["max_delay"], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(Math.Min(max, initial * Math.Pow(multiplier, retriesMade)));
    }

    private object? Evaluate(object? value, Dictionary<string, object?> variables) => value switch
    {
        string s when WorkflowExpression.IsExpression(s) => WorkflowExpression.Evaluate(s, name => Lookup(name, variables), _environment),
        Dictionary<string, object?> map => map.ToDictionary(
            e => e.Key.Contains("${", StringComparison.Ordinal) ? throw new NotSupportedException("Expression keys.") : e.Key,
            e => Evaluate(e.Value, variables),
            StringComparer.Ordinal),
        List<object?> list => list.Select(i => Evaluate(i, variables)).ToList(),
        _ => value,
    };

    private static object? Lookup(string name, Dictionary<string, object?> variables) =>
        variables.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"The variable '{name}' is not defined here (Workflows refuses such a definition at deployment).");

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

    private enum FlowKind
    {
        Continue,
        Jump,
        Return,
        End,
    }

    private readonly record struct Flow(FlowKind Kind, string? Target = null, object? Value = null)
    {
        public static Flow Continue => new(FlowKind.Continue);

        public static Flow End => new(FlowKind.End);

        public static Flow JumpTo(string target) => new(FlowKind.Jump, target);

        public static Flow Returned(object? value) => new(FlowKind.Return, Value: value);
    }
}

/// <summary>How a workflow execution ended.</summary>
/// <param name="Succeeded">True when <c>main</c> returned (or ran off its end); false when an error escaped it.</param>
/// <param name="Result">What <c>main</c> returned.</param>
/// <param name="Error">The error that failed the execution.</param>
/// <param name="Sleeps">The backoff waits the retries took, in order (recorded, not slept).</param>
/// <param name="StepsExecuted">How many steps ran, nested and subworkflow steps included.</param>
public sealed record WorkflowRun(bool Succeeded, object? Result, object? Error, IReadOnlyList<TimeSpan> Sleeps, int StepsExecuted);
