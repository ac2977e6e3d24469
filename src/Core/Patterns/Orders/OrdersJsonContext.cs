using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>Source-generated JSON for the order saga's documents and responses.</summary>
[JsonSerializable(typeof(Stock))]
[JsonSerializable(typeof(StockRecord))]
[JsonSerializable(typeof(OrderRecord))]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(OrderAccepted))]
[JsonSerializable(typeof(OrderSagaInput))]
[JsonSerializable(typeof(PaymentRecord))]
[JsonSerializable(typeof(PaymentCharge))]
[JsonSerializable(typeof(PaymentRefund))]
[JsonSerializable(typeof(PaymentAnswer))]
[JsonSerializable(typeof(PaymentTotals))]
[JsonSerializable(typeof(ShipmentRecord))]
public sealed partial class OrdersJsonContext : JsonSerializerContext;
