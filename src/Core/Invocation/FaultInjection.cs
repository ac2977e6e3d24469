using System.Text;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Settings;

namespace Portable.Core.Invocation;

/// <summary>
/// Opt-in fault injection for reliability drills: fails the first delivery of a chosen share of messages with a
/// transient fault, as a flaky downstream would. The choice is a hash of the message id, so every host and every
/// re-run fails the same messages. A chosen message fails its first delivery only, and succeeds on its redelivery,
/// unless <c>PORTABLE_FAULTS_TRANSIENT_DELIVERIES</c> asks for more: a downstream that stays down for that many
/// deliveries (100 outlasts every platform's retries, so the platform dead-letters the message). Off unless
/// <c>PORTABLE_FAULTS_TRANSIENT_RATE</c> (0 to 1) is set; never enable it in production.
/// </summary>
/// <param name="transientRate">The share of messages whose first deliveries fail, 0 to 1.</param>
/// <param name="failedDeliveries">How many of a chosen message's deliveries fail, from 1.</param>
public sealed class FaultInjectionMiddleware(double transientRate, int failedDeliveries = 1) : IFunctionMiddleware
{
    /// <summary>The environment variable that turns it on.</summary>
    public const string RateVariable = "PORTABLE_FAULTS_TRANSIENT_RATE";

    /// <summary>The environment variable for how many of a chosen message's deliveries fail (1 when unset).</summary>
    public const string DeliveriesVariable = "PORTABLE_FAULTS_TRANSIENT_DELIVERIES";

    /// <summary>The share of first deliveries failed, 0 to 1.</summary>
    public double TransientRate { get; } = transientRate is >= 0 and <= 1
        ? transientRate
        : throw new ArgumentOutOfRangeException(nameof(transientRate), transientRate, "The rate must be from 0 to 1.");

    /// <summary>How many of a chosen message's deliveries fail, from 1.</summary>
    public int FailedDeliveries { get; } = failedDeliveries >= 1
        ? failedDeliveries
        : throw new ArgumentOutOfRangeException(nameof(failedDeliveries), failedDeliveries, "At least the first delivery fails.");

    /// <summary>The middleware the environment asks for, or null when the variable is unset or blank.</summary>
    /// <exception cref="SettingsException">The variable is not a number from 0 to 1.</exception>
    public static FaultInjectionMiddleware? FromEnvironment(Func<string, string?> environment)
    {
        var settings = new HostSettings(environment);
        return settings.Double(RateVariable, 0, 1) is { } rate ? new FaultInjectionMiddleware(rate, Deliveries(settings)) : null;
    }

    /// <summary>The middleware for <paramref name="rate"/>, failing as many deliveries as <c>PORTABLE_FAULTS_TRANSIENT_DELIVERIES</c> says.</summary>
    /// <param name="rate">The share of messages chosen, 0 to 1.</param>
    /// <param name="environment">Reads a variable.</param>
    /// <exception cref="SettingsException">The deliveries variable is not a whole number from 1 to 100.</exception>
    public static FaultInjectionMiddleware WithRate(double rate, Func<string, string?> environment) =>
        new(rate, Deliveries(new HostSettings(environment)));

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
        return context.Input is IncomingMessage message && message.DeliveryCount <= FailedDeliveries && IsChosen(message.Id, TransientRate)
            ? throw (FailedDeliveries == 1 ? new InjectedTransientFaultException(message.Id) : new InjectedTransientFaultException(message.Id, message.DeliveryCount))
            : next(context);
    }

    private static int Deliveries(HostSettings settings) => settings.Int32(DeliveriesVariable, 1, 100) ?? 1;
}
