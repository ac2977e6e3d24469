namespace Portable.Compare.Sagas;

/// <summary>
/// A host running the choreographed order saga (<c>PORTABLE_ORDERS_SAGA=choreographed</c>): no orchestrator, each step
/// an event function reacting to the previous step's event on the platform's bus.
/// </summary>
public interface IChoreographedOrderHost : IOrderHost
{
    /// <summary>
    /// Puts one event (EventBridge JSON: <c>source</c>, <c>detail-type</c>, <c>detail</c>; no id, the bus gives one) on
    /// the host's bus, as a function's publisher does.
    /// </summary>
    /// <param name="json">The event.</param>
    Task PublishAsync(string json);

    /// <summary>
    /// True when the bus holds nothing for the saga's event functions: every event put that a rule of theirs matches
    /// was delivered (or dead-lettered), none is waiting or in flight.
    /// </summary>
    Task<bool> IsIdleAsync();
}
