namespace Portable.Conformance.SampleApp;

/// <summary>A dead letter as a platform keeps it: the message's body and the reason the function gave.</summary>
internal sealed record SampleDeadLetter(string Body, string Reason);

/// <summary>
/// <c>TallyApp</c> running on one host, reached only through that platform's protocol: <c>tally-api</c> at the front
/// door, <c>tally-counter</c> fed through the platform's queue delivery, dead letters read where the platform keeps them.
/// </summary>
internal interface ISampleHostUnderTest : IAsyncDisposable
{
    /// <summary>A client on the front door <c>tally-api</c> answers at.</summary>
    HttpClient Client { get; }

    /// <summary>Where this platform's dead letters of <c>tallies</c> are read, in its own words.</summary>
    string DeadLetterPath { get; }

    /// <summary>Everything the app's processes printed, for failure messages.</summary>
    string Output { get; }

    /// <summary>Puts a message on <c>tallies</c> and waits until it has been delivered and settled.</summary>
    Task SendAsync(string body);

    /// <summary>
    /// Puts a message on <c>tallies</c>, waits until it has been delivered and acknowledged, then has the platform
    /// deliver it once more with the same message id, as at-least-once delivery may, and waits for that too.
    /// </summary>
    Task SendDeliveredTwiceAsync(string body);

    /// <summary>The dead letters of <c>tallies</c> at <see cref="DeadLetterPath"/>.</summary>
    Task<IReadOnlyList<SampleDeadLetter>> DeadLettersAsync();
}
