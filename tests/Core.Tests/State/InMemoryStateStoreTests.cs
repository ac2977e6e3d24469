using Portable.Core.State;
using Portable.TestKit;

namespace Portable.Core.Tests.State;

public sealed class InMemoryStateStoreTests : StateStoreContract
{
    protected override Task<IStateStore> CreateStoreAsync(TimeProvider time) => Task.FromResult<IStateStore>(new InMemoryStateStore(time));
}
