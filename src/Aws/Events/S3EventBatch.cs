using Portable.Core.Storage;

namespace Portable.Aws.Events;

/// <summary>What one S3 event (a notification, an EventBridge event or a test event) carries for a storage function.</summary>
/// <param name="Objects">The created objects, in the event's order.</param>
/// <param name="Ignored">Why each record that is not an object creation (a delete, a restore, …) was left out.</param>
/// <param name="IsTestEvent">True for the <c>s3:TestEvent</c> S3 sends when a notification configuration is saved: nothing to run.</param>
public sealed record S3EventBatch(IReadOnlyList<ObjectCreated> Objects, IReadOnlyList<string> Ignored, bool IsTestEvent);
