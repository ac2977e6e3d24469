using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.DurableTask.Protobuf;

namespace Portable.Emulators.Azure.Durable;

/// <summary>
/// <c>TaskHubSidecarService</c> over a <see cref="DurableTaskHub"/>: what a <c>[DurableClient]</c> binding's
/// <c>GrpcDurableTaskClient</c> calls at the binding's <c>rpcBaseUrl</c> (digest §5.5). Status codes follow the
/// extension's own <c>TaskHubGrpcServer</c>: an unknown instance is <c>exists=false</c> for reads and
/// <c>NotFound</c> for commands, a finished one <c>FailedPrecondition</c>, a duplicate start <c>AlreadyExists</c>.
/// RPCs the hub has no use for (entities, work-item streams, rewind) answer <c>Unimplemented</c>.
/// </summary>
public sealed class DurableTaskHubGrpcService(DurableTaskHub hub) : TaskHubSidecarService.TaskHubSidecarServiceBase
{
    /// <inheritdoc/>
    public override Task<Empty> Hello(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    /// <inheritdoc/>
    public override Task<CreateInstanceResponse> StartInstance(CreateInstanceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "An orchestration name is required."));
        }

        var outcome = hub.TryStartInstance(
            request.Name, request.Input, request.InstanceId, request.Version, request.ScheduledStartTimestamp?.ToDateTimeOffset(),
            request.Tags, parent: null, out var id);
        return outcome == DurableRequestOutcome.Accepted
            ? Task.FromResult(new CreateInstanceResponse { InstanceId = id })
            : throw new RpcException(new Status(StatusCode.AlreadyExists, $"An Orchestration instance with the ID {id} already exists."));
    }

    /// <inheritdoc/>
    public override Task<GetInstanceResponse> GetInstance(GetInstanceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(Found(hub.GetState(request.InstanceId, request.GetInputsAndOutputs)));
    }

    /// <inheritdoc/>
    public override async Task<GetInstanceResponse> WaitForInstanceStart(GetInstanceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        // Like the extension's server, this waits (until the call's deadline) even for an instance not created yet.
        await hub.WaitForStatusAsync(request.InstanceId, s => s.RuntimeStatus != OrchestrationStatus.Pending, context.CancellationToken).ConfigureAwait(false);
        return Found(hub.GetState(request.InstanceId, request.GetInputsAndOutputs));
    }

    /// <inheritdoc/>
    public override async Task<GetInstanceResponse> WaitForInstanceCompletion(GetInstanceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (hub.GetStatus(request.InstanceId) is null)
        {
            return new GetInstanceResponse { Exists = false };
        }

        await hub.WaitForCompletionAsync(request.InstanceId, context.CancellationToken).ConfigureAwait(false);
        return Found(hub.GetState(request.InstanceId, request.GetInputsAndOutputs));
    }

    /// <inheritdoc/>
    public override Task<RaiseEventResponse> RaiseEvent(RaiseEventRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "An event name is required."));
        }

        Check(hub.RaiseEvent(request.InstanceId, request.Name, request.Input), request.InstanceId, "raise an event on");
        return Task.FromResult(new RaiseEventResponse());
    }

    /// <inheritdoc/>
    public override Task<TerminateResponse> TerminateInstance(TerminateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Check(hub.Terminate(request.InstanceId, request.Output, request.Recursive), request.InstanceId, "terminate");
        return Task.FromResult(new TerminateResponse());
    }

    /// <inheritdoc/>
    public override Task<SuspendResponse> SuspendInstance(SuspendRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Check(hub.Suspend(request.InstanceId, request.Reason), request.InstanceId, "suspend");
        return Task.FromResult(new SuspendResponse());
    }

    /// <inheritdoc/>
    public override Task<ResumeResponse> ResumeInstance(ResumeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Check(hub.Resume(request.InstanceId, request.Reason), request.InstanceId, "resume");
        return Task.FromResult(new ResumeResponse());
    }

    /// <inheritdoc/>
    public override Task<QueryInstancesResponse> QueryInstances(QueryInstancesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query ?? new InstanceQuery();
        var from = query.CreatedTimeFrom?.ToDateTimeOffset();
        var to = query.CreatedTimeTo?.ToDateTimeOffset();
        var statuses = query.RuntimeStatus.ToHashSet();
        var prefix = query.InstanceIdPrefix;
        var matches = hub.QueryStates(
            s => (statuses.Count == 0 || statuses.Contains(s.RuntimeStatus))
                && (from is null || s.CreatedAt >= from)
                && (to is null || s.CreatedAt <= to)
                && (string.IsNullOrEmpty(prefix) || s.InstanceId.StartsWith(prefix, StringComparison.Ordinal)),
            query.FetchInputsAndOutputs);

        // The continuation token is the number of instances earlier pages returned.
        var skip = int.TryParse(query.ContinuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var take = query.MaxInstanceCount > 0 ? query.MaxInstanceCount : int.MaxValue;
        var page = matches.Skip(skip).Take(take).ToList();
        var response = new QueryInstancesResponse();
        response.OrchestrationState.Add(page);
        if (skip + page.Count < matches.Count)
        {
            response.ContinuationToken = (skip + page.Count).ToString(CultureInfo.InvariantCulture);
        }

        return Task.FromResult(response);
    }

    /// <inheritdoc/>
    public override Task<PurgeInstancesResponse> PurgeInstances(PurgeInstancesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        int deleted;
        switch (request.RequestCase)
        {
            case PurgeInstancesRequest.RequestOneofCase.InstanceId:
                deleted = hub.Purge(request.InstanceId, request.Recursive);
                break;
            case PurgeInstancesRequest.RequestOneofCase.PurgeInstanceFilter:
                var filter = request.PurgeInstanceFilter;
                var from = filter.CreatedTimeFrom?.ToDateTimeOffset();
                var to = filter.CreatedTimeTo?.ToDateTimeOffset();
                var statuses = filter.RuntimeStatus.ToHashSet();
                deleted = hub.Purge(s => (statuses.Count == 0 || statuses.Contains(s.RuntimeStatus))
                    && (from is null || s.CreatedAt >= from)
                    && (to is null || s.CreatedAt <= to));
                break;
            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Unknown purge request type '{request.RequestCase}'."));
        }

        return Task.FromResult(new PurgeInstancesResponse { DeletedInstanceCount = deleted, IsComplete = true });
    }

    private static GetInstanceResponse Found(OrchestrationState? state) =>
        state is null ? new GetInstanceResponse { Exists = false } : new GetInstanceResponse { Exists = true, OrchestrationState = state };

    private static void Check(DurableRequestOutcome outcome, string instanceId, string what)
    {
        switch (outcome)
        {
            case DurableRequestOutcome.NotFound:
                throw new RpcException(new Status(StatusCode.NotFound, $"No orchestration instance with the ID {instanceId} was found."));
            case DurableRequestOutcome.NotRunning:
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Cannot {what} the orchestration instance {instanceId}: it is not in a state that allows it."));
            default:
                break;
        }
    }
}
