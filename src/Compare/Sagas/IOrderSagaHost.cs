namespace Portable.Compare.Sagas;

/// <summary>
/// A host running the order saga through Portable's queue-driven coordinator (<c>order-saga-coordinator</c> on the
/// queue <c>order-saga</c>), each function behind its platform's real protocol, with the platform's delivery running
/// in the background: the coordinator publishes every next step itself.
/// </summary>
public interface IOrderSagaHost : IOrderHost
{
    /// <summary>Puts <paramref name="request"/> (a step request's JSON) on <c>order-saga</c> as the coordinator publishes it there.</summary>
    /// <param name="request">The step request.</param>
    Task PublishStepAsync(string request);

    /// <summary>True when <c>order-saga</c> holds nothing, waiting or being delivered.</summary>
    Task<bool> IsQueueIdleAsync();

    /// <summary>How many step requests were dead-lettered (by the coordinator or by the platform).</summary>
    Task<int> DeadLetterCountAsync();
}
