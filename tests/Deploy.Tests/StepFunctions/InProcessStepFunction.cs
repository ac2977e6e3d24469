using System.Text;
using Portable.Core.Invocation;
using Portable.Core.Sagas;
using Portable.Deploy.StepFunctions;
using Portable.Emulators.Aws;
using Portable.Testing;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// The saga's real step function in process, answering as the saga step contract's Lambda mapping says: the payload is
/// read as Core reads a step request (<see cref="SagaStepRequest.TryParse"/>) and run through
/// <see cref="SagaStepInvoker"/> on the kit's host — the saga's real handlers, stored state and conditional writes —
/// then answered <see cref="SagaStepReply"/> JSON on success, or an invocation error typed
/// <c>Portable.SagaStepFailed</c> / <c>Portable.SagaStepTransient</c> with the reason as <c>errorMessage</c>.
/// </summary>
public sealed class InProcessStepFunction(FunctionTestHost host, SagaDefinition saga, string functionName)
{
    private readonly List<SagaStepRequest> _requests = [];
    private readonly List<string> _refused = [];

    /// <summary>The step requests that ran, in order.</summary>
    public IReadOnlyList<SagaStepRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Payloads that were not a step request of the saga, with the reason.</summary>
    public IReadOnlyList<string> Refused
    {
        get
        {
            lock (_requests)
            {
                return [.. _refused];
            }
        }
    }

    /// <summary>Answers one invocation.</summary>
    public async Task<LambdaInvocationResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        if (!SagaStepRequest.TryParse(payload.Span, saga, out var request, out var error))
        {
            lock (_requests)
            {
                _refused.Add($"{error}: {Encoding.UTF8.GetString(payload.Span)}");
            }

            return Error(requestId, "Runtime.UnsupportedEvent", error);
        }

        lock (_requests)
        {
            _requests.Add(request);
        }

        var function = host.Manifest.Find(functionName) ?? throw new InvalidOperationException($"The manifest has no function '{functionName}'.");
        var result = await host.SagaStepInvoker.InvokeAsync(function, request, default, cancellationToken);
        return result.Kind switch
        {
            SagaStepResultKind.Succeeded => new LambdaInvocationResult { RequestId = requestId, Outcome = LambdaInvocationOutcome.Success, Payload = SagaStepReply.From(result).ToJson() },
            SagaStepResultKind.Failed => Error(requestId, StepFunctionsGenerator.StepFailedError, result.Reason!),
            _ => Error(requestId, StepFunctionsGenerator.StepTransientError, result.Reason!),
        };
    }

    private static LambdaInvocationResult Error(string requestId, string errorType, string message) => new()
    {
        RequestId = requestId,
        Outcome = LambdaInvocationOutcome.FunctionError,
        ErrorType = errorType,
        ErrorBody = LambdaInvokeApi.ErrorPayload(errorType, message),
    };
}
