namespace Portable.Core.Sagas;

/// <summary>
/// Waits out a retry's backoff before a saga step runs again. Registered in the services to replace the default, a
/// delay on the host's <see cref="TimeProvider"/> (a test advances its fake clock instead).
/// </summary>
public delegate Task SagaWait(TimeSpan delay, CancellationToken cancellationToken);
