using Portable.Azure.Sagas;
using Portable.Azure.Worker;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Orders;

// The Azure Functions app of this repository: the patterns, on the .NET isolated worker, with the order saga ready
// for the Durable runner (PORTABLE_SAGA_RUNNER=durable). A user's own app calls IsolatedWorkerHost.RunAsync with theirs.
return await IsolatedWorkerHost.RunAsync(PatternsApp.App, args, services => services.AddDurableSaga(new DurableSaga(OrderSaga.Definition)));
