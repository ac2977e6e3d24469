using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Core.Sagas;

namespace Portable.Deploy.StepFunctions;

/// <summary>
/// Generates a saga's AWS Step Functions state machine (<c>aws/&lt;saga&gt;-saga.asl.json</c>) from its
/// <see cref="SagaDefinition"/>: JSONPath Amazon States Language with one <c>arn:aws:states:::lambda:invoke</c> Task
/// per step and per compensation, each invoking the saga's Lambda function with the step request of the saga
/// contract (<c>{"saga","sagaId","step","phase","attempt"}</c>). The machine follows <see cref="SagaEvaluator"/>'s
/// rules: a step's <c>Retry</c> is its <see cref="SagaRetryPolicy"/>; a failure at or before the pivot is caught into
/// the compensation chain, which undoes exactly the steps that succeeded, in reverse, and ends in the
/// <see cref="CompensatedState"/> Fail state; a failure after the pivot is caught and passed, so the execution still
/// ends in <see cref="CompletedState"/>; a compensation that fails for good ends in <see cref="CompensationFailedState"/>.
/// The execution's input is <c>{"sagaId": "&lt;id&gt;"}</c>; every Task keeps it (<c>ResultPath</c> null, errors
/// caught to <c>$.error</c> and <c>$.compensationError</c>).
/// </summary>
public static class StepFunctionsGenerator
{
    /// <summary>The optimized Lambda integration every Task uses (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html).</summary>
    public const string LambdaInvokeResource = "arn:aws:states:::lambda:invoke";

    /// <summary>The <c>errorType</c> the step function answers for a step that failed for good; Step Functions reports a function error under its <c>errorType</c>.</summary>
    public const string StepFailedError = SagaStepReply.FailedErrorType;

    /// <summary>The <c>errorType</c> the step function answers for a fault that may pass (its own timeout included): retried per the step's policy.</summary>
    public const string StepTransientError = SagaStepReply.TransientErrorType;

    /// <summary>The error the execution fails with once the completed steps are undone: the saga is compensated.</summary>
    public const string CompensatedError = "Portable.SagaCompensated";

    /// <summary>The error the execution fails with when a compensation failed for good: the saga is failed and needs attention.</summary>
    public const string CompensationFailedError = "Portable.SagaCompensationFailed";

    /// <summary>The Succeed state every completed saga ends in (past the pivot, with or without a failed later step).</summary>
    public const string CompletedState = "saga-completed";

    /// <summary>The Fail state a saga ends in once its completed steps are undone.</summary>
    public const string CompensatedState = "saga-compensated";

    /// <summary>The Fail state a saga ends in when a compensation failed.</summary>
    public const string CompensationFailedState = "compensation-failed";

    /// <summary>
    /// How far above a step's own timeout its Task's <c>TimeoutSeconds</c> is: Portable enforces the step timeout
    /// inside the function (answering <see cref="StepTransientError"/>), so Step Functions' timeout is only a backstop
    /// for a function that never answers.
    /// </summary>
    public static readonly TimeSpan TimeoutBackstop = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Lambda's transient service errors, retried as the AWS guide advises
    /// (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html). They never reach the
    /// function, so they have a retrier of their own and do not use up the step's attempts.
    /// </summary>
    public static IReadOnlyList<string> LambdaServiceErrors { get; } =
    [
        "Lambda.ClientExecutionTimeoutException",
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
    ];

    // "Name: … Maximum length of 80" (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StateEnteredEventDetails.html).
    private const int MaxStateNameLength = 80;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        // A file for people to read, never embedded in HTML: keep quotes and ${…} as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The generated file's path under <c>deploy/</c>: <c>aws/&lt;saga&gt;-saga.asl.json</c>.</summary>
    public static string PathFor(SagaDefinition saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        return $"aws/{saga.Name}-saga.asl.json";
    }

    /// <summary>
    /// The definition substitution that stands for the saga function's ARN in every Task's <c>FunctionName</c>
    /// (<c>OrderSagaFunctionArn</c> for the <c>order</c> saga): CloudFormation's <c>DefinitionSubstitutions</c> on the
    /// <c>AWS::StepFunctions::StateMachine</c> fills it in at deploy time.
    /// </summary>
    public static string FunctionArnSubstitution(SagaDefinition saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        var name = new StringBuilder();
        foreach (var word in saga.Name.Split(['-', '_', ' ', '.'], StringSplitOptions.RemoveEmptyEntries))
        {
            name.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        }

        return name.Append("SagaFunctionArn").ToString();
    }

    /// <summary>Generates the saga's state machine.</summary>
    /// <exception cref="InvalidOperationException">A handler is named like one of the generator's own end states, or is longer than a state name may be.</exception>
    public static DeployFile Generate(SagaDefinition saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        foreach (var reserved in new[] { CompletedState, CompensatedState, CompensationFailedState })
        {
            if (saga.TryFindHandler(reserved, out _, out _))
            {
                throw new InvalidOperationException($"Saga '{saga.Name}' has a handler named '{reserved}', the name of a state the Step Functions generator adds; rename the handler.");
            }
        }

        if (saga.HandlerNames.FirstOrDefault(h => h.Length > MaxStateNameLength) is { } tooLong)
        {
            throw new InvalidOperationException($"Saga '{saga.Name}' has a handler name of {tooLong.Length} characters, '{tooLong}'; Step Functions state names, which the generator takes from handler names, have at most {MaxStateNameLength}.");
        }

        var functionName = "${" + FunctionArnSubstitution(saga) + "}";
        var states = new JsonObject();
        var steps = saga.Steps;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var next = i + 1 < steps.Count ? steps[i + 1].Name : CompletedState;
            var onFailure = step.IsAfterPivot ? next : CompensationFrom(steps, i - 1);
            var comment = step.IsAfterPivot
                ? $"After the pivot: retried, never compensated; a failure is passed on to {next}."
                : $"{(step.IsPivot ? "The pivot. " : string.Empty)}On failure: {(onFailure == CompensatedState ? "nothing to undo, so " + CompensatedState : "compensate from " + onFailure)}.";
            states[step.Name] = Task(saga, functionName, step, step.Name, SagaPhase.Do, comment, next, onFailure, "$.error");
        }

        // Only the steps before the last one that can fail into compensation are ever undone by the machine: the
        // pivot's compensation (or, without a pivot, the last step's) would be an unreachable state. Only an abort
        // (SagaEvaluator.Abort) undoes the pivot, and that does not go through the state machine.
        var lastCompensating = saga.PivotIndex >= 0 ? saga.PivotIndex : steps.Count - 1;
        var compensates = false;
        for (var i = lastCompensating - 1; i >= 0; i--)
        {
            if (steps[i].Compensation is { } compensation)
            {
                compensates = true;
                var next = CompensationFrom(steps, i - 1);
                states[compensation] = Task(saga, functionName, steps[i], compensation, SagaPhase.Undo, $"Undoes {steps[i].Name}.", next, CompensationFailedState, "$.compensationError");
            }
        }

        states[CompletedState] = new JsonObject
        {
            ["Type"] = "Succeed",
            ["Comment"] = "Every step ran; a step after the pivot may have failed and been passed.",
        };
        states[CompensatedState] = new JsonObject
        {
            ["Type"] = "Fail",
            ["Comment"] = "A step failed and every step that had succeeded was undone; the cause is the step's error.",
            ["Error"] = CompensatedError,
            ["CausePath"] = "$.error.Cause",
        };
        // A state nothing transitions to is an invalid definition: without a compensation, none can fail.
        if (compensates)
        {
            states[CompensationFailedState] = new JsonObject
            {
                ["Type"] = "Fail",
                ["Comment"] = "A compensation failed for good: the saga needs attention. The cause is the compensation's error; $.error keeps the original failure.",
                ["Error"] = CompensationFailedError,
                ["CausePath"] = "$.compensationError.Cause",
            };
        }

        var machine = new JsonObject
        {
            ["Comment"] = $"The '{saga.Name}' saga, generated by Portable's StepFunctionsGenerator from its SagaDefinition: do not edit, see deploy/aws/README.md. Start an execution with the saga instance's id as the input's sagaId.",
            ["QueryLanguage"] = "JSONPath",
            ["StartAt"] = steps[0].Name,
            ["States"] = states,
        };
        return new DeployFile(PathFor(saga), Write(machine));
    }

    // The compensation to run when the steps up to `last` (inclusive) have succeeded: the nearest one that has a
    // compensation, or straight to the end when none has.
    private static string CompensationFrom(IReadOnlyList<SagaStepDefinition> steps, int last)
    {
        for (var j = last; j >= 0; j--)
        {
            if (steps[j].Compensation is { } compensation)
            {
                return compensation;
            }
        }

        return CompensatedState;
    }

    private static JsonObject Task(SagaDefinition saga, string functionName, SagaStepDefinition owner, string handler, SagaPhase phase, string comment, string next, string onFailure, string errorPath)
    {
        var task = new JsonObject
        {
            ["Type"] = "Task",
            ["Comment"] = comment,
            ["Resource"] = LambdaInvokeResource,
            ["Parameters"] = new JsonObject
            {
                ["FunctionName"] = functionName,
                ["Payload"] = new JsonObject
                {
                    ["saga"] = saga.Name,
                    ["sagaId.$"] = "$.sagaId",
                    ["step"] = handler,
                    ["phase"] = phase == SagaPhase.Do ? "do" : "undo",
                    // $$.State.RetryCount counts the retries of this state so far: 0 on the first attempt.
                    ["attempt.$"] = "States.MathAdd($$.State.RetryCount, 1)",
                },
            },
            // The function's answer is not needed downstream: keep the input ({"sagaId"}) as the state's output.
            ["ResultPath"] = null,
            ["TimeoutSeconds"] = WholeSeconds(owner.Timeout + TimeoutBackstop),
        };
        if (Retry(owner.Retry) is { } retry)
        {
            task["Retry"] = retry;
        }

        task["Catch"] = new JsonArray(new JsonObject
        {
            ["ErrorEquals"] = new JsonArray("States.ALL"),
            ["ResultPath"] = errorPath,
            ["Next"] = onFailure,
        });
        task["Next"] = next;
        return task;
    }

    // Step Functions' MaxAttempts counts retries, so it is the policy's attempts − 1; no retrier for a single attempt.
    // IntervalSeconds must be a whole number of seconds, at least 1: a sub-second or fractional first delay is rounded
    // up, so Step Functions never retries before the step's policy allows (SagaExecutor would otherwise wait out the
    // rest of the delay inside the function).
    private static JsonArray? Retry(SagaRetryPolicy policy)
    {
        if (policy.MaxAttempts == 1)
        {
            return null;
        }

        JsonObject Retrier(IEnumerable<string> errors) => new()
        {
            ["ErrorEquals"] = new JsonArray([.. errors.Select(e => (JsonNode)e)]),
            ["IntervalSeconds"] = Math.Max(1, WholeSeconds(policy.FirstDelay)),
            ["MaxAttempts"] = policy.MaxAttempts - 1,
            ["BackoffRate"] = policy.BackoffCoefficient,
        };

        // The step's own attempts: a transient answer, or no answer before TimeoutSeconds (the function may have run).
        return new JsonArray(Retrier([StepTransientError, "States.Timeout"]), Retrier(LambdaServiceErrors));
    }

    private static int WholeSeconds(TimeSpan span) => (int)Math.Ceiling(span.TotalSeconds);

    private static string Write(JsonObject machine)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            machine.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
