using Portable.Conformance.Hosts;

namespace Portable.Conformance;

/// <summary>The Items API scenario list, through every host's real protocol; each host must match the spec and the local host.</summary>
public sealed class ItemsApiConformanceTests
{
    public static TheoryData<string> Hosts => [.. HostsUnderTest.Names];

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task ItemsApi_EveryScenario_BehavesAsSpecifiedAndLikeLocal(string host)
    {
        IReadOnlyList<string> reference;
        await using (var local = await HostsUnderTest.StartAsync("local"))
        {
            reference = await ItemsScenario.RunAsync("local", local.Client);
        }

        await using var underTest = await HostsUnderTest.StartAsync(host);
        var transcript = await ItemsScenario.RunAsync(host, underTest.Client);
        if (ItemsScenario.Diff("local", reference, host, transcript) is { } difference)
        {
            Assert.Fail(difference);
        }
    }
}
