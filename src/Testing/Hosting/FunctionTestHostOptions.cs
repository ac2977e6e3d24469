using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Invocation;
using Portable.Core.State;

namespace Portable.Testing;

/// <summary>How a <see cref="FunctionTestHost"/> differs from its defaults (a fresh in-memory store, a fake clock at <see cref="TestClock.Start"/>, every log level recorded).</summary>
public sealed class FunctionTestHostOptions
{
    /// <summary>Where the fake clock starts (default <see cref="TestClock.Start"/>).</summary>
    public DateTimeOffset StartTime { get; set; } = TestClock.Start;

    /// <summary>
    /// What the host says about itself: its cloud, a <c>FunctionTarget</c>, the body limit, the idempotency switch. The
    /// test host reads no environment variable: message idempotency is on and fault injection off unless set here.
    /// </summary>
    public Action<PortableHostOptions>? Host { get; set; }

    /// <summary>
    /// Registers test doubles after Portable's defaults and the app's own services, so what it registers replaces
    /// theirs (a fake downstream client, another <c>IDeadLetterSink</c>, another state store).
    /// </summary>
    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>
    /// Wraps the in-memory store the handlers see (to inject faults or count writes); <see cref="FunctionTestHost.Store"/>
    /// stays the store underneath, holding what was really written.
    /// </summary>
    public Func<IStateStore, IStateStore>? DecorateStore { get; set; }

    /// <summary>The lowest level recorded (default <see cref="LogLevel.Trace"/>: everything).</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Trace;
}
