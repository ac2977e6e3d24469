using Portable.Core.Messaging;

namespace Portable.TestKit;

/// <summary>Compares neutral messages field by field (a record's own equality compares the body and attributes by reference).</summary>
public static class MessageAssert
{
    /// <summary>Fails unless <paramref name="actual"/> carries what <paramref name="expected"/> does.</summary>
    public static void Equal(IncomingMessage expected, IncomingMessage actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Body.ToArray(), actual.Body.ToArray());
        Assert.Equal(expected.Attributes, actual.Attributes);
        Assert.Equal(expected.DeliveryCount, actual.DeliveryCount);
        Assert.Equal(expected.EnqueuedAt, actual.EnqueuedAt);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.OrderingKey, actual.OrderingKey);
    }
}
