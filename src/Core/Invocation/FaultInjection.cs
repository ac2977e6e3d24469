using System.Text;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Settings;

namespace Portable.Core.Invocation;

/// <summary>
/// Opt-in fault injection for reliability drills: fails the first delivery of a chosen share of messages with a
/// transient fault, as a flaky downstream would. The choice is a hash of the message id, so every host and every
/// re-run fails the same messages, and a message always succeeds on its redelivery. Off unless
/// <c>PORTABLE_FAULTS_TRANSIENT_RATE</c> (0 to 1) is set; never enable it in production.
/// </summary>
public sealed class FaultInjectionMiddleware(double transientRate) : IFunctionMiddleware
{
    /// <summary>The environment variable that turns it on.</summary>
    public const string RateVariable = "PORTABLE_FAULTS_TRANSIENT_RATE";

    /// <summary>The share of first deliveries failed, 0 to 1.</summary>
    public double TransientRate { get; } = transientRate is >= 0 and <= 1
        ? transientRate
        : throw new ArgumentOutOfRangeException(nameof(transientRate), transientRate, "The rate must be from 0 to 1.");

    /// <summary>The middleware the environment asks for, or null when the variable is unset or blank.</summary>
    /// <exception cref="SettingsException">The variable is not a number from 0 to 1.</exception>
    public static FaultInjectionMiddleware? FromEnvironment(Func<string, string?> environment) =>
        new HostSettings(environment).Double(RateVariable, 0, 1) is { } rate ? new FaultInjectionMiddleware(rate) : null;

    /// <summary>True for a message invocation.</summary>
    public static bool AppliesTo(FunctionContext context) => context?.Input is IncomingMessage;

    /// <summary>Whether the first delivery of <paramref name="messageId"/> is failed at <paramref name="rate"/>.</summary>
    public static bool IsChosen(string messageId, double rate)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var hash = 2166136261u; // FNV-1a: stable across processes and runtimes, unlike string.GetHashCode
        foreach (var b in Encoding.UTF8.GetBytes(messageId))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return hash % 10_000 < rate * 10_000;
    }

    /// <inheritdoc />
    public ValueTask InvokeAsync(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return context.Input is IncomingMessage { DeliveryCount: <= 1 } message && IsChosen(message.Id, TransientRate)
            ? throw new InjectedTransientFaultException(message.Id)
            : next(context);
    }
}
