using System.Text.Json.Serialization;
using Portable.Core.Sagas;

namespace Portable.Core.Patterns.Orders;

/// <summary>The <c>202</c> body of <c>POST /orders</c>: <c>{"id","status":"pending"}</c>.</summary>
/// <param name="Id">The order id.</param>
/// <param name="Status">Always pending: the saga runs after the answer.</param>
public sealed record OrderAccepted(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] SagaStatus Status);
