using Portable.Azure.Sagas;
using Portable.Core.Patterns.Orders;

namespace Portable.Azure.Tests.Sagas;

/// <summary>The order saga on the Durable runner, as src/Azure/Program.cs adds it.</summary>
internal static class OrderDurableSaga
{
    public static DurableSaga Instance { get; } = new(OrderSaga.Definition);
}
