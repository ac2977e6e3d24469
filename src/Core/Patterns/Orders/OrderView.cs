using System.Text.Json.Serialization;
using Portable.Core.Sagas;

namespace Portable.Core.Patterns.Orders;

/// <summary><c>GET /orders/{id}</c>: <c>{"id","status","reason","total","steps","createdAt","updatedAt"}</c>, steps in the order they ran.</summary>
/// <param name="Id">The order id.</param>
/// <param name="Status">pending, running, compensating, completed, compensated or failed.</param>
/// <param name="Reason">Why it compensated or failed; null otherwise.</param>
/// <param name="Total">The order total.</param>
/// <param name="Steps">The step runs.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record OrderView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] SagaStatus Status,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Reason,
    [property: JsonPropertyName("total")] decimal Total,
    [property: JsonPropertyName("steps")] IReadOnlyList<OrderStep> Steps,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt)
{
    /// <summary>The view of a stored order.</summary>
    public static OrderView From(OrderRecord order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new OrderView(
            order.Id,
            order.Saga.Status,
            order.Saga.Reason,
            order.Total,
            [.. order.Saga.Steps.Select(s => new OrderStep(s.Step, s.Phase, s.Outcome, s.Attempts, s.At))],
            order.CreatedAt,
            order.UpdatedAt);
    }
}
