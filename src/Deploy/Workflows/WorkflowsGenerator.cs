using System.Globalization;
using System.Text;
using Portable.Core.Sagas;

namespace Portable.Deploy.Workflows;

/// <summary>
/// Generates the Google Workflows definition that runs a <see cref="SagaDefinition"/> on Workflows itself: every
/// step and compensation is an <c>http.post</c> to the Cloud Run service's step function (the saga step contract:
/// 200 succeeded, 422 failed, 503 transient), retried per the step's <see cref="SagaRetryPolicy"/>, and a failure
/// jumps into the chain that undoes exactly the steps that succeeded before it, in reverse. It follows
/// <see cref="SagaEvaluator"/>'s rules: a step after the pivot is retried, never compensated, and its failure is
/// recorded and passed (the saga ends completed); a compensation that fails for good ends the execution failed.
/// </summary>
/// <remarks>
/// The workflow's one argument is <c>{"sagaId": "…"}</c>. It reads the Cloud Run service's URL from the workflow's
/// environment variable <see cref="ServiceUrlVariable"/> (<c>gcloud workflows deploy --set-env-vars</c>) and calls
/// it with an OIDC identity token of the workflow's service account, the audience being the service URL. A succeeded
/// execution returns <c>{"sagaId", "status": "completed" | "compensated", "reason", "failedAfterPivot"}</c>; a failed
/// compensation raises <c>{"message", "sagaId", "status": "failed", "reason", "compensation"}</c>.
/// </remarks>
public static class WorkflowsGenerator
{
    /// <summary>The workflow environment variable holding the Cloud Run service's root URL (https://…run.app).</summary>
    public const string ServiceUrlVariable = "STEP_SERVICE_URL";

    /// <summary>
    /// How far the HTTP timeout sits above the step's own timeout. Portable enforces the step timeout inside the
    /// service (it answers 503, transient); the Workflows timeout is only the backstop for a hung connection.
    /// </summary>
    public static readonly TimeSpan TimeoutBackstop = TimeSpan.FromSeconds(5);

    // http.post's longest allowed timeout (Workflows standard library reference, http.post: "1800 seconds").
    private const int MaxHttpTimeoutSeconds = 1800;

    private const string TransientPredicate = "is_transient";
    private const string FailureReason = "failure_reason";
    private const string Completed = "completed";
    private const string Compensated = "compensated";
    private const string Failed = "failed";

    private static readonly HashSet<string> ReservedStepNames = new(StringComparer.Ordinal)
    {
        "main", "init", "check_service_url", Completed, Compensated, Failed, TransientPredicate, FailureReason, "end",
    };

    /// <summary>
    /// The workflow for <paramref name="saga"/>, as <c>gcp/&lt;saga&gt;-saga.workflows.yaml</c>, calling
    /// <c>POST {service}/&lt;stepFunction&gt;</c> for every step and compensation.
    /// </summary>
    /// <remarks>
    /// Workflows backoff numbers are whole (the Workflows schema's integers): a fractional first delay or backoff
    /// coefficient is rounded up, never retrying sooner than the definition says, and the file's header names the
    /// handlers concerned. Compensations no failure can reach (the pivot's own) are left out.
    /// </remarks>
    /// <param name="saga">The saga to run.</param>
    /// <param name="stepFunction">The manifest name of the function that runs one step (its Cloud Run path).</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="stepFunction"/> is not a plain path segment, or two handlers would share a Workflows step name
    /// (names keep letters and digits, anything else becomes <c>_</c>), or a handler's name is one the workflow uses itself.
    /// </exception>
    public static DeployFile Generate(SagaDefinition saga, string stepFunction)
    {
        ArgumentNullException.ThrowIfNull(saga);
        ArgumentException.ThrowIfNullOrWhiteSpace(stepFunction);
        if (!stepFunction.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"The step function's name '{stepFunction}' is not a plain URL path segment.", nameof(stepFunction));
        }

        var names = StepNames(saga);
        var lastCompensating = saga.PivotIndex >= 0 ? saga.PivotIndex : saga.Steps.Count - 1;

        // The compensations a failure can reach: those of the steps before the last step whose failure compensates.
        var undoChain = new List<SagaStepDefinition>();
        for (var j = lastCompensating - 1; j >= 0; j--)
        {
            if (saga.Steps[j].Compensation is not null)
            {
                undoChain.Add(saga.Steps[j]);
            }
        }

        var url = $"${{service_url + \"/{stepFunction}\"}}";
        var notes = new List<string>();
        var steps = new List<object?> { Init(saga, undoChain.Count > 0), CheckServiceUrl() };
        for (var i = 0; i < saga.Steps.Count; i++)
        {
            var step = saga.Steps[i];
            var onFailure = step.IsAfterPivot ? null : UndoEntry(saga, i, names);
            steps.AddRange(Handler(saga.Name, url, step, step.Name, SagaPhase.Do, names[step.Name], onFailure, notes));
        }

        steps.Add(YamlMap.Of(Completed, new YamlMap().Add("return", Result("completed", null))));
        foreach (var step in undoChain)
        {
            steps.AddRange(Handler(saga.Name, url, step, step.Compensation!, SagaPhase.Undo, names[step.Compensation!], Failed, notes));
        }

        steps.Add(YamlMap.Of(Compensated, new YamlMap().Add("return", Result("compensated", "${reason}"))));
        if (undoChain.Count > 0)
        {
            steps.Add(YamlMap.Of(Failed, new YamlMap().Add("raise", new YamlMap()
                .Add("message", "${\"compensation failed, the saga needs attention: \" + undo_reason}")
                .Add("sagaId", "${saga_id}")
                .Add("status", "failed")
                .Add("reason", "${reason}")
                .Add("compensation", "${undo_reason}"))));
        }

        var document = new YamlMap()
            .Add("main", new YamlMap().Add("params", new List<object?> { "args" }).Add("steps", steps))
            .Add(TransientPredicate, IsTransient())
            .Add(FailureReason, DescribeFailure());

        var header = new[]
        {
            $"Google Workflows definition of the \"{saga.Name}\" saga, generated by Portable's WorkflowsGenerator from",
            $"its SagaDefinition. Do not edit: regenerate it (deploy/gcp/README.md); a test fails when it drifts.",
            string.Empty,
            $"Input: {{\"sagaId\": \"<id>\"}}. Each step and compensation is POST ${{{ServiceUrlVariable}}}/{stepFunction} on Cloud Run",
            "with the step request {saga, sagaId, step, phase, attempt}: 200 succeeded, 422 failed, 503 transient.",
            "Layout: the forward steps in order, then the compensations in reverse order; a step's failure jumps to",
            "the compensation of the last step that succeeded before it, and the chain runs down to 'compensated'.",
        }.Concat(notes.Count > 0 ? [string.Empty, .. notes] : Array.Empty<string>());
        return new DeployFile($"gcp/{saga.Name}-saga.workflows.yaml", YamlWriter.Write(document, header));
    }

    private static YamlMap Init(SagaDefinition saga, bool canCompensate)
    {
        var assign = new List<object?>
        {
            YamlMap.Of("saga_id", "${args.sagaId}"),
            YamlMap.Of("service_url", $"${{sys.get_env(\"{ServiceUrlVariable}\")}}"),
            YamlMap.Of("attempt", 0),
            YamlMap.Of("reason", null),
            YamlMap.Of("failed_after_pivot", new List<object?>()),
        };
        if (canCompensate)
        {
            assign.Add(YamlMap.Of("undo_reason", null));
        }

        if (saga.Steps.Any(s => s.IsAfterPivot))
        {
            assign.Add(YamlMap.Of("late_failure", null));
        }

        return YamlMap.Of("init", new YamlMap().Add("assign", assign));
    }

    private static YamlMap CheckServiceUrl() =>
        YamlMap.Of("check_service_url", new YamlMap()
            .Add("switch", new List<object?>
            {
                new YamlMap()
                    .Add("condition", "${service_url == null}")
                    .Add("raise", $"The workflow variable {ServiceUrlVariable} is not set: deploy with --set-env-vars {ServiceUrlVariable}=<the Cloud Run service URL>"),
            }));

    // One handler is two steps: the jump target resetting the attempt count, then the call under try/retry/except.
    private static IEnumerable<YamlMap> Handler(string saga, string url, SagaStepDefinition owner, string handler, SagaPhase phase, string name, string? onFailure, List<string> notes)
    {
        yield return YamlMap.Of(name, new YamlMap().Add("assign", new List<object?> { YamlMap.Of("attempt", 0) }));

        var call = new YamlMap()
            .Add("call", "http.post")
            .Add("args", new YamlMap()
                .Add("url", url)
                .Add("auth", new YamlMap().Add("type", "OIDC").Add("audience", "${service_url}"))
                .Add("timeout", HttpTimeoutSeconds(owner.Timeout))
                .Add("body", new YamlMap()
                    .Add("saga", saga)
                    .Add("sagaId", "${saga_id}")
                    .Add("step", handler)
                    .Add("phase", phase == SagaPhase.Do ? "do" : "undo")
                    .Add("attempt", "${attempt}")));
        var attempt = new List<object?>
        {
            YamlMap.Of(name + "_attempt", new YamlMap().Add("assign", new List<object?> { YamlMap.Of("attempt", "${attempt + 1}") })),
            YamlMap.Of(name + "_post", call),
        };

        var body = new YamlMap().Add("try", new YamlMap().Add("steps", attempt));
        if (owner.Retry.MaxAttempts > 1)
        {
            body.Add("retry", Retry(handler, owner.Retry, notes));
        }

        var describe = new YamlMap()
            .Add("call", FailureReason)
            .Add("args", new YamlMap().Add("step", handler).Add("error", "${e}").Add("attempts", "${attempt}"));
        List<object?> except;
        if (onFailure is null)
        {
            // After the pivot: the failure is recorded and the saga goes on.
            describe.Add("result", "late_failure");
            except =
            [
                YamlMap.Of(name + "_failed", describe),
                YamlMap.Of(name + "_passed", new YamlMap().Add("assign", new List<object?>
                {
                    YamlMap.Of("failed_after_pivot", "${list.concat(failed_after_pivot, late_failure)}"),
                })),
            ];
        }
        else
        {
            describe.Add("result", phase == SagaPhase.Do ? "reason" : "undo_reason").Add("next", onFailure);
            except = [YamlMap.Of(name + "_failed", describe)];
        }

        body.Add("except", new YamlMap().Add("as", "e").Add("steps", except));
        yield return YamlMap.Of(name + "_call", body);
    }

    // Workflows backoff numbers are whole (the Workflows schema, SchemaStore workflows.json, types initial_delay,
    // max_delay and multiplier as integers): a fractional first delay or coefficient is rounded up, so the workflow
    // never retries sooner than the definition says; the number of attempts is exact.
    private static YamlMap Retry(string handler, SagaRetryPolicy policy, List<string> notes)
    {
        var retries = policy.MaxAttempts - 1;
        var initial = Math.Ceiling(policy.FirstDelay.TotalSeconds);
        var multiplier = Math.Ceiling(policy.BackoffCoefficient);
        if (initial != policy.FirstDelay.TotalSeconds || multiplier != policy.BackoffCoefficient)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{handler}: retries wait {initial} s, then x{multiplier} each time; its definition says {policy.FirstDelay.TotalSeconds} s, x{policy.BackoffCoefficient} (rounded up: Workflows backoff is in whole numbers)."));
        }

        return new YamlMap()
            .Add("predicate", "${" + TransientPredicate + "}")
            .Add("max_retries", retries)
            .Add("backoff", new YamlMap()
                .Add("initial_delay", initial)
                .Add("max_delay", Math.Ceiling(initial * Math.Pow(multiplier, retries - 1)))
                .Add("multiplier", multiplier));
    }

    private static int HttpTimeoutSeconds(TimeSpan stepTimeout) =>
        (int)Math.Min(MaxHttpTimeoutSeconds, Math.Ceiling((stepTimeout + TimeoutBackstop).TotalSeconds));

    private static string? UndoEntry(SagaDefinition saga, int failedAt, Dictionary<string, string> names)
    {
        for (var j = failedAt - 1; j >= 0; j--)
        {
            if (saga.Steps[j].Compensation is { } compensation)
            {
                return names[compensation];
            }
        }

        return Compensated;
    }

    private static YamlMap Result(string status, string? reason) => new YamlMap()
        .Add("sagaId", "${saga_id}")
        .Add("status", status)
        .Add("reason", reason)
        .Add("failedAfterPivot", "${failed_after_pivot}");

    // The retry predicate: HTTP 503 (the step answered transient) and the connection and timeout errors http.post raises.
    private static YamlMap IsTransient() => new YamlMap()
        .Add("params", new List<object?> { "e" })
        .Add("steps", new List<object?>
        {
            YamlMap.Of("http_error", new YamlMap().Add("switch", new List<object?>
            {
                new YamlMap().Add("condition", "${\"HttpError\" in e.tags}").Add("return", "${e.code == 503}"),
            })),
            YamlMap.Of("connection_or_timeout", new YamlMap().Add("switch", new List<object?>
            {
                new YamlMap().Add("condition", "${\"ConnectionError\" in e.tags}").Add("return", true),
                new YamlMap().Add("condition", "${\"ConnectionFailedError\" in e.tags}").Add("return", true),
                new YamlMap().Add("condition", "${\"TimeoutError\" in e.tags}").Add("return", true),
            })),
            YamlMap.Of("otherwise", new YamlMap().Add("return", false)),
        });

    // The reason a handler failed, worded as SagaEvaluator words it: "<step>: <reason>", and "(after n attempts)"
    // when it was still transient after the last attempt.
    private static YamlMap DescribeFailure() => new YamlMap()
        .Add("params", new List<object?> { "step", "error", "attempts" })
        .Add("steps", new List<object?>
        {
            YamlMap.Of("classify", new YamlMap()
                .Add("call", TransientPredicate)
                .Add("args", new YamlMap().Add("e", "${error}"))
                .Add("result", "transient")),
            YamlMap.Of("describe", new YamlMap().Add("assign", new List<object?>
            {
                YamlMap.Of("text", "${step + \": \" + default(map.get(error, [\"body\", \"reason\"]), default(map.get(error, \"message\"), \"no reason given\"))}"),
            })),
            YamlMap.Of("exhausted", new YamlMap().Add("switch", new List<object?>
            {
                new YamlMap().Add("condition", "${transient and attempts == 1}").Add("return", "${text + \" (after 1 attempt)\"}"),
                new YamlMap().Add("condition", "${transient}").Add("return", "${text + \" (after \" + string(attempts) + \" attempts)\"}"),
            })),
            YamlMap.Of("permanent", new YamlMap().Add("return", "${text}")),
        });

    private static Dictionary<string, string> StepNames(SagaDefinition saga)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var handler in saga.Steps.SelectMany(s => s.Compensation is null ? [s.Name] : new[] { s.Name, s.Compensation }))
        {
            var name = StepName(handler);
            if (ReservedStepNames.Contains(name))
            {
                throw new ArgumentException($"Saga '{saga.Name}': the handler '{handler}' would be the Workflows step '{name}', a name the generated workflow uses itself.", nameof(saga));
            }

            if (taken.TryGetValue(name, out var other))
            {
                throw new ArgumentException($"Saga '{saga.Name}': the handlers '{other}' and '{handler}' would both be the Workflows step '{name}'.", nameof(saga));
            }

            taken.Add(name, handler);
            names.Add(handler, name);
        }

        return names;
    }

    // Workflows step and variable names: letters, digits and underscores, starting with a letter or underscore.
    private static string StepName(string handler)
    {
        var name = new StringBuilder(handler.Length + 1);
        foreach (var c in handler)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        if (char.IsAsciiDigit(name[0]))
        {
            name.Insert(0, '_');
        }

        return name.ToString();
    }
}
