using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;

namespace Portable.Emulators.Tests.Azure.Isolated;

/// <summary>The real 2.52 isolated worker (tests/IsolatedWorkerApp) driven through the emulator's gRPC protocol.</summary>
public sealed class IsolatedFunctionsHostTests(IsolatedHostFixture fixture) : IClassFixture<IsolatedHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly IsolatedFunctionsHost _host = fixture.Host;

    [Fact]
    public void StartAsync_WorkerIndexing_ReportsEveryFunctionWithItsBindingsAndDirections()
    {
        Assert.Equal(["ApproveOrder", "Boom", "Charge", "Create", "Echo", "Inspect", "Log", "OrderOrchestrator", "OrderStatus", "Release", "Reserve", "Slow", "StartOrder", "Tick", "Work"], _host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));

        var echo = _host.FindFunction("echo")!;
        Assert.Equal("Portable.IsolatedWorkerApp.HttpFunctions.EchoAsync", echo.EntryPoint);
        Assert.Equal("Portable.IsolatedWorkerApp.dll", echo.ScriptFile);
        Assert.Equal("dotnet-isolated", echo.Language);
        Assert.NotEmpty(echo.FunctionId);
        Assert.Equal([("req", "httpTrigger", "In"), ("$return", "http", "Out")], echo.Bindings.Select(b => (b.Name, b.Type, b.Direction)));
        Assert.Equal("echo/{id}", echo.HttpTrigger!.Route.Text);
        Assert.Equal(["GET"], echo.HttpTrigger.Methods!);
        Assert.Contains(echo.RawBindings, b => b.Contains("\"route\":\"echo/{id}\"", StringComparison.Ordinal));

        var create = _host.FindFunction("Create")!;
        Assert.Equal([("req", "httpTrigger", "In"), ("Response", "http", "Out"), ("Message", "queue", "Out")], create.Bindings.Select(b => (b.Name, b.Type, b.Direction)));
        Assert.Equal("created", create.Bindings[2].Properties["queueName"]!.GetValue<string>());

        var work = _host.FindFunction("Work")!;
        Assert.Equal(("message", "queueTrigger", "In"), (work.Trigger!.Name, work.Trigger.Type, work.Trigger.Direction));
        Assert.Contains(work.Bindings, b => b is { Name: "$return", Type: "queue", IsOutput: true });
        Assert.Equal("0 */5 * * * *", _host.FindFunction("Tick")!.Trigger!.Properties["schedule"]!.GetValue<string>());
    }

    [Fact]
    public void StartAsync_Handshake_KeepsTheWorkersCapabilities()
    {
        Assert.StartsWith("2.52", _host.WorkerVersion, StringComparison.Ordinal);
        Assert.Equal("True", _host.WorkerCapabilities["RpcHttpBodyOnly"]);
        Assert.Equal("True", _host.WorkerCapabilities["HandlesInvocationCancelMessage"]);
        Assert.Equal("True", _host.WorkerCapabilities["UseNullableValueDictionaryForHttp"]);
        Assert.Equal(string.Empty, _host.RoutePrefix); // the app's host.json sets routePrefix ""
    }

    [Fact]
    public async Task Get_RouteValueQueryAndHeader_ReachTheFunctionAsTheHostSendsThem()
    {
        using var client = _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "echo/a%20b?q=x&n=1");
        request.Headers.Add("X-Test", "one");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("a b", body.GetProperty("id").GetString());
        Assert.Equal("GET", body.GetProperty("method").GetString());
        Assert.Equal("x", body.GetProperty("q").GetString());
        Assert.Equal("one", body.GetProperty("header").GetString());
        Assert.Equal("/echo/a%20b", body.GetProperty("path").GetString());
        // Binding data: the route value, each query value, Query and Headers (digest §3.1).
        Assert.Equal(["Headers", "Query", "id", "n", "q"], body.GetProperty("bindingData").EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public async Task Post_BinaryBody_Returns201WithHeadersCookieAndTheBodyBytes()
    {
        using var client = _host.CreateClient();
        byte[] sent = [0xFF, 0x00, 0x10, 0x80, 0x7F];
        using var response = await client.PostAsync("items", new ByteArrayContent(sent));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/items/42", response.Headers.Location?.OriginalString);
        Assert.Equal("5", response.Headers.GetValues("X-Body-Length").Single());
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("session=abc", StringComparison.Ordinal));
        Assert.Equal(sent.Reverse(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Post_NamedQueueOutput_IsEnqueuedOnItsQueue()
    {
        using var client = _host.CreateClient();
        using var response = await client.PostAsync("items", new StringContent("hello", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("olleh", await response.Content.ReadAsStringAsync());
        Assert.Contains(_host.Queues.Messages("created"), m => m.Text == "created:hello");
    }

    [Fact]
    public async Task Get_NoRoute_IsTheHostsEmpty404()
    {
        using var client = _host.CreateClient();
        using var response = await client.GetAsync("nowhere/at/all");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Delete_RouteWithOtherMethods_Is404AsTheHostAnswersByDefault()
    {
        using var client = _host.CreateClient();
        using var response = await client.DeleteAsync("items");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_TwentyAtOnce_EachGetsItsOwnAnswer()
    {
        using var client = _host.CreateClient();
        // The first sent waits longest, so answers come back in another order than the requests went out.
        var calls = Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await client.GetAsync($"echo/n{i}?delayMs={(20 - i) * 25}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (Sent: $"n{i}", Body: JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        });
        var answers = await Task.WhenAll(calls);

        Assert.All(answers, a => Assert.Equal(a.Sent, a.Body.GetProperty("id").GetString()));
        Assert.Equal(20, answers.Select(a => a.Body.GetProperty("invocationId").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Get_FunctionThrows_Is500AndTheWorkerLogsTheError()
    {
        using var client = _host.CreateClient();
        using var response = await client.GetAsync("boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var error = await _host.WaitForLogAsync(l => l.Level == LogLevel.Error && l.Message.Contains("Boom", StringComparison.Ordinal), Wait);
        Assert.NotNull(error.InvocationId);
        // The 2.52 worker logs the exception as its ToString() in RpcException.message, with no type.
        Assert.StartsWith("System.InvalidOperationException: kaboom", error.ExceptionMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_FunctionLogs_EachLogCarriesTheInvocationId()
    {
        using var client = _host.CreateClient();
        var invocationId = await client.GetStringAsync("log/ana");

        var hello = await _host.WaitForLogAsync(l => l.InvocationId == invocationId && l.Message == "hello from ana", Wait);
        Assert.Equal(LogLevel.Information, hello.Level);
        Assert.False(hello.IsSystem);
        Assert.Equal("Portable.IsolatedWorkerApp.HttpFunctions", hello.Category);
        var warning = await _host.WaitForLogAsync(l => l.InvocationId == invocationId && l.Level == LogLevel.Warning, Wait);
        Assert.Equal("careful, ana", warning.Message);
        Assert.Contains(_host.LogsOf(invocationId), l => l.Message == "hello from ana");
    }

    [Fact]
    public async Task Get_CallerGoesAway_TheWorkerGetsInvocationCancelAndTheFunctionSeesIt()
    {
        using var client = _host.CreateClient();
        using var leave = new CancellationTokenSource();
        var call = client.GetAsync("slow", leave.Token);
        var started = await _host.WaitForLogAsync(l => l.Message == "slow started", Wait);

        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        // The function waits 30 s unless cancelled; the cancel arrives well before.
        var cancelled = await _host.WaitForLogAsync(l => l.Message == "slow cancelled", TimeSpan.FromSeconds(10));
        Assert.Equal(started.InvocationId, cancelled.InvocationId);
    }

    [Fact]
    public async Task Queue_Message_IsDeliveredWithTheHostsMetadataAndItsOutputEnqueued()
    {
        var id = _host.Queues.Enqueue("work-items", "job-1");

        var deliveries = await _host.Queues.DeliverVisibleAsync();

        var delivery = Assert.Single(deliveries, d => d.MessageId == id);
        Assert.Equal((QueueDeliveryOutcome.Completed, 1, "Work", 200), (delivery.Outcome, delivery.DequeueCount, delivery.Function, delivery.StatusCode));
        Assert.Contains(_host.Queues.Messages("work-done"), m => m.Text == "done:job-1:dq=1");
        Assert.DoesNotContain(_host.Queues.Messages("work-items"), m => m.Id == id);
        // DequeueCount (json) and Id (string) bound to the function's own parameters.
        await _host.WaitForLogAsync(l => l.Message == $"work job-1 dq=1 id={id}", Wait);
    }

    [Fact]
    public async Task Queue_QueueMessageParameter_GetsTheMessageAsModelBindingData()
    {
        var id = _host.Queues.Enqueue("inspect-items", """{"k":1}""");

        var delivery = Assert.Single(await _host.Queues.DeliverVisibleAsync(), d => d.MessageId == id);

        Assert.Equal(QueueDeliveryOutcome.Completed, delivery.Outcome);
        await _host.WaitForLogAsync(l => l.Message == $$"""inspect {{id}} dq=1 text={"k":1}""", Wait);
    }

    [Fact]
    public async Task Queue_FailsFiveTimes_IsRetriedAfterTheDelayThenPoisoned()
    {
        var id = _host.Queues.Enqueue("work-items", "fail-always");
        var mine = new List<QueueDelivery>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            mine.AddRange((await _host.Queues.DeliverVisibleAsync()).Where(d => d.MessageId == id));
            Assert.Equal(attempt, mine.Count);
            Assert.DoesNotContain(await _host.Queues.DeliverVisibleAsync(), d => d.MessageId == id); // invisible until the delay passes
            fixture.Time.Advance(IsolatedHostFixture.RetryDelay);
        }

        Assert.Equal([1, 2, 3, 4, 5], mine.Select(d => d.DequeueCount));
        Assert.Equal([.. Enumerable.Repeat(QueueDeliveryOutcome.Retried, 4), QueueDeliveryOutcome.Poisoned], mine.Select(d => d.Outcome));
        Assert.All(mine, d => Assert.Equal("System.InvalidOperationException: cannot process 'fail-always'", d.Error));
        Assert.Contains(_host.Queues.PoisonMessages("work-items"), m => m.Text == "fail-always");
        Assert.DoesNotContain(_host.Queues.Messages("work-items"), m => m.Id == id);
    }

    [Fact]
    public async Task Queue_FailsOnce_SucceedsOnTheSecondDequeue()
    {
        var id = _host.Queues.Enqueue("work-items", "fail-once");

        var first = Assert.Single(await _host.Queues.DeliverVisibleAsync(), d => d.MessageId == id);
        fixture.Time.Advance(IsolatedHostFixture.RetryDelay);
        var second = Assert.Single(await _host.Queues.DeliverVisibleAsync(), d => d.MessageId == id);

        Assert.Equal((QueueDeliveryOutcome.Retried, 1), (first.Outcome, first.DequeueCount));
        Assert.Equal((QueueDeliveryOutcome.Completed, 2), (second.Outcome, second.DequeueCount));
        Assert.Contains(_host.Queues.Messages("work-done"), m => m.Text == "done:fail-once:dq=2");
    }

    [Fact]
    public async Task FireTimerAsync_PassesTimerInfoWithTheNextOccurrenceOfTheSchedule()
    {
        var result = await _host.FireTimerAsync("Tick", isPastDue: true);

        Assert.True(result.IsSuccess);
        var tick = await _host.WaitForLogAsync(l => l.InvocationId == result.InvocationId && l.Message.StartsWith("tick", StringComparison.Ordinal), Wait);
        // "0 */5 * * * *": the fake clock's next multiple of five minutes.
        var now = fixture.Time.GetUtcNow().UtcDateTime;
        var next = new DateTime(now.Ticks - (now.Ticks % TimeSpan.FromMinutes(5).Ticks), DateTimeKind.Utc).AddMinutes(5);
        Assert.StartsWith($"tick pastDue=True next={next:yyyy-MM-dd'T'HH:mm:ss}", tick.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FireTimerAsync_NotATimerFunction_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _host.FireTimerAsync("Echo"));
        await Assert.ThrowsAsync<ArgumentException>(() => _host.InvokeAsync("NoSuchFunction", "x"));
    }

    [Fact]
    public async Task InvokeAsync_StringTriggerAndMetadata_ReturnsTheReturnValue()
    {
        var result = await _host.InvokeAsync("Work", "direct", new Dictionary<string, string> { ["DequeueCount"] = "3", ["Id"] = "m-1" });

        Assert.Equal(WorkerInvocationStatus.Success, result.Status);
        Assert.Equal("done:direct:dq=3", result.ReturnValue);
        Assert.Null(result.ErrorType);
        await _host.WaitForLogAsync(l => l.InvocationId == result.InvocationId && l.Message == "work direct dq=3 id=m-1", Wait);
    }

    [Fact]
    public async Task InvokeAsync_FunctionThrows_ReturnsTheFailureWithTheExceptionTypeAndMessage()
    {
        var result = await _host.InvokeAsync("Work", "fail-direct", new Dictionary<string, string> { ["DequeueCount"] = "1", ["Id"] = "m-2" });

        Assert.False(result.IsSuccess);
        Assert.Equal(WorkerInvocationStatus.Failure, result.Status);
        Assert.Equal("System.InvalidOperationException", result.ErrorType);
        Assert.Equal("cannot process 'fail-direct'", result.ErrorMessage);
        Assert.Null(result.ReturnValue);
    }

    [Fact]
    public async Task PingAsync_WorkerStatusRequest_IsAnswered()
    {
        var latency = await _host.PingAsync().WaitAsync(Wait);

        Assert.True(latency > TimeSpan.Zero);
    }
}
