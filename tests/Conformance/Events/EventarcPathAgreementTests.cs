using Portable.Deploy.Eventarc;

namespace Portable.Conformance.Events;

/// <summary>
/// The Eventarc triggers src/Deploy writes deliver to the path the Cloud Run host serves event functions at: the two
/// projects cannot reference each other, so the agreement is checked here, where both are in reach.
/// </summary>
public sealed class EventarcPathAgreementTests
{
    [Fact]
    public void GeneratedTriggerPath_IsTheOneTheCloudRunHostServes()
    {
        Assert.Equal("/" + Portable.Gcp.Events.EventTriggerMapper.PathPrefix, EventarcTriggersGenerator.EventPathPrefix);
    }
}
