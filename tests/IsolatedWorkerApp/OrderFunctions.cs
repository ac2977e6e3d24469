using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Portable.IsolatedWorkerApp;

/// <summary>
/// A small Durable order workflow, written as the Durable Functions docs write one: an HTTP starter, an orchestrator
/// that reserves stock, charges the card (retried), waits five minutes, then waits for an <c>approve</c> event; if the
/// charge keeps failing it releases the stock (compensation) and fails. Plus HTTP endpoints to raise the event and
/// to read the status through the Durable client.
/// </summary>
public sealed class OrderFunctions(PaymentGateway payments, ILogger<OrderFunctions> logger)
{
    /// <summary>The event the orchestrator waits for after its timer.</summary>
    public const string ApprovalEvent = "approve";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Starts an order from the JSON body (<see cref="OrderRequest"/>); answers 202 with the status URLs.</summary>
    [Function("StartOrder")]
    public static async Task<HttpResponseData> StartOrderAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders")] HttpRequestData req,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var order = await JsonSerializer.DeserializeAsync<OrderRequest>(req.Body, Web, context.CancellationToken)
            ?? throw new InvalidOperationException("An order body is required.");
        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(OrderOrchestrator), order, new StartOrchestrationOptions { InstanceId = $"order-{order.Id}" }, context.CancellationToken);
        return await client.CreateCheckStatusResponseAsync(req, instanceId, context.CancellationToken);
    }

    /// <summary>Raises <see cref="ApprovalEvent"/> on an order with the request body (text) as its data.</summary>
    [Function("ApproveOrder")]
    public static async Task<HttpResponseData> ApproveOrderAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{instanceId}/approve")] HttpRequestData req,
        string instanceId,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var approver = await req.ReadAsStringAsync() ?? string.Empty;
        await client.RaiseEventAsync(instanceId, ApprovalEvent, approver, context.CancellationToken);
        return req.CreateResponse(HttpStatusCode.Accepted);
    }

    /// <summary>The order's status as the Durable client reads it: 404 for an unknown instance.</summary>
    [Function("OrderStatus")]
    public static async Task<HttpResponseData> OrderStatusAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders/{instanceId}")] HttpRequestData req,
        string instanceId,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, context.CancellationToken);
        if (metadata is null)
        {
            return req.CreateResponse(HttpStatusCode.NotFound);
        }

        var response = req.CreateResponse(HttpStatusCode.OK);
        await response.WriteAsJsonAsync(
            new
            {
                metadata.InstanceId,
                metadata.Name,
                RuntimeStatus = metadata.RuntimeStatus.ToString(),
                Input = metadata.SerializedInput,
                Output = metadata.SerializedOutput,
                FailureType = metadata.FailureDetails?.ErrorType,
                FailureMessage = metadata.FailureDetails?.ErrorMessage,
            },
            context.CancellationToken);
        return response;
    }

    /// <summary>
    /// Reserve, charge (3 attempts, 10 s apart), a five-minute timer, then the approval event; the output is
    /// <c>reserved:…|charged:…|approved-by:…</c>. A charge that fails three times releases the reservation and fails
    /// the orchestration.
    /// </summary>
    [Function(nameof(OrderOrchestrator))]
    public static async Task<string> OrderOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var order = context.GetInput<OrderRequest>() ?? throw new InvalidOperationException("An order is required.");
        var log = context.CreateReplaySafeLogger<OrderFunctions>();
        var reservation = await context.CallActivityAsync<string>(nameof(Reserve), order.Id);
        ChargeReceipt charge;
        try
        {
            charge = await context.CallActivityAsync<ChargeReceipt>(
                nameof(Charge),
                order,
                TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(10))));
        }
        catch (TaskFailedException failure)
        {
            log.LogWarning("charge for {Order} failed for good: {Reason}", order.Id, failure.FailureDetails.ErrorMessage);
            await context.CallActivityAsync<string>(nameof(Release), reservation);
            throw new InvalidOperationException($"Order {order.Id} was not charged ({failure.FailureDetails.ErrorMessage}); its reservation was released.");
        }

        await context.CreateTimer(context.CurrentUtcDateTime.AddMinutes(5), CancellationToken.None);
        var approver = await context.WaitForExternalEvent<string>(ApprovalEvent);
        return $"{reservation}|charged:{charge.OrderId}:{charge.Amount}|approved-by:{approver}";
    }

    /// <summary>Reserves stock for an order.</summary>
    [Function(nameof(Reserve))]
    public string Reserve([ActivityTrigger] string orderId, FunctionContext context)
    {
        logger.LogInformation("reserve {Order} in {Instance}", orderId, context.BindingContext.BindingData["instanceId"]);
        return $"reserved:{orderId}";
    }

    /// <summary>Charges the order through the payment gateway, which declines its first <see cref="OrderRequest.Declines"/> attempts.</summary>
    [Function(nameof(Charge))]
    public ChargeReceipt Charge([ActivityTrigger] OrderRequest order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return payments.Charge(order);
    }

    /// <summary>Releases a reservation (the compensation of <see cref="Reserve"/>).</summary>
    [Function(nameof(Release))]
    public static string Release([ActivityTrigger] string reservation) => $"released:{reservation}";
}

/// <summary>What a successful charge returns (an activity result the worker sends as JSON).</summary>
public sealed record ChargeReceipt(string OrderId, decimal Amount);

/// <summary>An order: its id, its amount, and how many charge attempts the gateway declines first (a test's knob).</summary>
public sealed record OrderRequest(string Id, decimal Amount, int Declines);
