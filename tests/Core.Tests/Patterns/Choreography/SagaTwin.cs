using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;
using Portable.Core.Resilience;
using Portable.Core.Sagas;
using Portable.Core.Settings;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Patterns.Choreography;

/// <summary>How an order ended, everything a twin must agree on: status, reason, history with attempts, stock, money.</summary>
public sealed record OrderEnd(string Status, string? Reason, string Steps, int Available, int Reserved, decimal Charged, decimal Refunded, int PaymentCalls)
{
    public override string ToString() =>
        $"{Status}; reason {Reason ?? "none"}; steps {Steps}; stock {Available}/{Reserved}; paid {Charged} refunded {Refunded} in {PaymentCalls} call(s)";
}

/// <summary>
/// One order saga on a <see cref="FunctionTestHost"/> in either mode, with the same manifest (the orchestrated
/// functions and the choreography's), the same inputs and a fake clock that retry waits advance. What the platform
/// would lose can be lost on purpose: the first event of a type (choreographed), or the first step request naming a
/// handler (orchestrated).
/// </summary>
public sealed class SagaTwin : IAsyncDisposable
{
    public static readonly FunctionManifest Manifest = new FunctionManifestBuilder().AddOrders().AddOrderChoreography().Build();

    private readonly LossyEvents _events;
    private readonly LossyMessages _messages;

    public SagaTwin(bool choreographed, string? loseEvent = null, string? loseStep = null, bool flakyCharge = false, string? failEvent = null)
    {
        Choreographed = choreographed;
        FunctionTestHost? self = null;
        var settings = new HostSettings(name => name == OrderChoreography.ModeVariable ? (choreographed ? OrderChoreography.Choreographed : OrderChoreography.Orchestrated) : null);
        Host = new FunctionTestHost(Manifest, services => services.AddOrders(settings), options => options.Services = services =>
        {
            services.AddSingleton<SagaWait>((delay, _) =>
            {
                self!.Clock.Advance(delay);
                return Task.CompletedTask;
            });
            services.AddSingleton<IEventPublisher>(sp => _events!);
            services.AddSingleton<IMessagePublisher>(sp => _messages!);
            if (flakyCharge)
            {
                services.AddSingleton<IPaymentService>(sp => new FlakyPayments(new SimulatedPaymentService(sp.GetRequiredService<Core.State.IStateStore>())));
            }
        });
        self = Host;
        _events = new LossyEvents(Host.EventBus, loseEvent, failEvent);
        _messages = new LossyMessages(Host.Publisher, loseStep);
    }

    public bool Choreographed { get; }

    public FunctionTestHost Host { get; }

    /// <summary>What was lost on purpose.</summary>
    public IReadOnlyList<string> Lost => [.. _events.Lost, .. _messages.Lost];

    /// <summary>Delivers whatever the mode's bus or queue holds until nothing is left.</summary>
    public async Task SettleAsync()
    {
        if (Choreographed)
        {
            await Host.DeliverPublishedEventsAsync();
            Assert.Equal(0, Host.Publisher.PendingCount); // nothing went through the coordinator's queue
        }
        else
        {
            await Host.DeliverPublishedAsync();
            Assert.Empty(Host.EventBus.Published); // nothing went through the event bus
        }
    }

    /// <summary>Fires reconcile-orders 6 minutes on, past its deadline, and settles what it started.</summary>
    public async Task ReconcileAsync()
    {
        Host.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True((await Host.FireScheduleAsync(OrderReconciler.FunctionName)).Succeeded);
        await SettleAsync();
    }

    public async Task<OrderEnd> EndAsync(string id)
    {
        var order = await Host.GetOrderAsync(id);
        var steps = string.Join(' ', order.GetProperty("steps").EnumerateArray().Select(s =>
            $"{s.GetProperty("step").GetString()}:{s.GetProperty("phase").GetString()}:{s.GetProperty("outcome").GetString()}:{s.GetProperty("attempts").GetInt32()}"));
        var stock = OrderApi.Json(await Host.SendAsync("GET", "/inventory/widget"));
        var payment = await Host.Services.GetRequiredService<IPaymentService>().GetAsync(id, default);
        return new OrderEnd(
            order.GetProperty("status").GetString()!,
            order.GetProperty("reason").GetString(),
            steps,
            stock.GetProperty("available").GetInt32(),
            stock.GetProperty("reserved").GetInt32(),
            payment.Charged,
            payment.Refunded,
            payment.AppliedKeys.Count);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    /// <summary>A bus whose PutEvents loses the first event of one type (as a lost publish would), or refuses the first batch holding one (the publishing delivery fails).</summary>
    private sealed class LossyEvents(IEventPublisher inner, string? lose, string? fail) : IEventPublisher
    {
        public List<string> Lost { get; } = [];

        public ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default)
        {
            if (fail is not null && Lost.Count == 0 && events.Any(e => e.DetailType == fail))
            {
                Lost.Add($"event {fail} refused");
                throw new InvalidOperationException($"PutEvents refused {fail} (injected).");
            }

            var kept = events.Where(e =>
            {
                if (lose is null || e.DetailType != lose || Lost.Count > 0)
                {
                    return true;
                }

                Lost.Add($"event {e.DetailType}");
                return false;
            }).ToList();
            return inner.PublishAsync(kept, cancellationToken);
        }
    }

    /// <summary>A queue that loses the first step request naming one handler.</summary>
    private sealed class LossyMessages(IMessagePublisher inner, string? loseStep) : IMessagePublisher
    {
        public List<string> Lost { get; } = [];

        public ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default)
        {
            if (loseStep is not null && Lost.Count == 0 && Encoding.UTF8.GetString(message.Body.Span).Contains($"\"step\":\"{loseStep}\"", StringComparison.Ordinal))
            {
                Lost.Add($"request {loseStep}");
                return ValueTask.FromResult("lost");
            }

            return inner.PublishAsync(destination, message, cancellationToken);
        }
    }

    /// <summary>The payment service timing out on each order's first charge attempt, then answering.</summary>
    private sealed class FlakyPayments(IPaymentService inner) : IPaymentService
    {
        private readonly HashSet<string> _failed = [];

        public ValueTask<PaymentResult> ChargeAsync(string orderId, decimal amount, string card, string idempotencyKey, CancellationToken cancellationToken)
        {
            lock (_failed)
            {
                if (_failed.Add(orderId))
                {
                    throw new TransientException("The payment service did not answer in time.");
                }
            }

            return inner.ChargeAsync(orderId, amount, card, idempotencyKey, cancellationToken);
        }

        public ValueTask<PaymentResult> RefundAsync(string orderId, string idempotencyKey, CancellationToken cancellationToken) =>
            inner.RefundAsync(orderId, idempotencyKey, cancellationToken);

        public ValueTask<PaymentRecord> GetAsync(string orderId, CancellationToken cancellationToken) => inner.GetAsync(orderId, cancellationToken);
    }
}
