using System.Diagnostics;
using Portable.Compare.Hosts;
using Portable.Compare.Scenarios;
using Portable.Emulators.Aws;
using Portable.Emulators.Gcp;

namespace Portable.Compare.Targets;

/// <summary>Starts each host's HTTP front door as its platform runs it, or opens a deployed one.</summary>
public static class HttpTargets
{
    /// <summary>
    /// The host's front door for a scenario: on a live run the deployed URL; otherwise the host started fresh behind its
    /// emulated front door (the local host as <c>portable run</c>; the Lambda bootstrap behind API Gateway; the Cloud
    /// Run server behind Cloud Run's front door; the isolated worker under the Functions host), timed to its first answer.
    /// </summary>
    /// <param name="host">One of <see cref="CompareHosts.All"/>.</param>
    /// <param name="context">The run: live targets, if any.</param>
    /// <param name="options">What to start (ignored on a live run but for the function).</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <exception cref="ArgumentOutOfRangeException">No such host, or a live run without a URL for it.</exception>
    public static async Task<HttpTarget> StartAsync(string host, ScenarioContext context, HttpTargetOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= new HttpTargetOptions();
        if (context.LiveTargets is { } live)
        {
            return live.TryGetValue(host, out var url)
                ? new HttpTarget(host, url, $"deployed: {url}", null, null)
                : throw new ArgumentOutOfRangeException(nameof(host), host, "The targets file has no URL for this host.");
        }

        var clock = Stopwatch.StartNew();
        var variables = new Dictionary<string, string?>(options.Environment, StringComparer.Ordinal);
        switch (host)
        {
            case CompareHosts.Local:
            {
                var local = await LocalHostProcess.StartAsync(variables, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new HttpTarget(host, local.BaseAddress, "portable run (Kestrel)", clock.Elapsed, local);
            }

            case CompareHosts.Aws:
            {
                var format = options.RestApi ? ApiGatewayEventFormat.RestV1 : ApiGatewayEventFormat.HttpApiV2;
                var lambda = await LambdaHttpHost.StartAsync(
                    options.Function,
                    format,
                    stage: options.RestApi ? "prod" : null,
                    environment: variables,
                    gateway: g => g.IntegrationTimeout = options.FrontDoorTimeout,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                var door = options.RestApi ? "API Gateway REST API (v1) → Lambda" : "API Gateway HTTP API (v2) → Lambda";
                return await FirstAnswerAsync(new HttpTarget(host, lambda.Gateway.BaseAddress, door, null, lambda), clock, cancellationToken).ConfigureAwait(false);
            }

            case CompareHosts.Gcp:
            {
                var container = await CloudRunProcess.StartAsync(environment: variables, cancellationToken: cancellationToken).ConfigureAwait(false);
                CloudRunFrontDoor frontDoor;
                try
                {
                    var doorOptions = new CloudRunFrontDoorOptions { Target = container.BaseAddress };
                    if (options.FrontDoorTimeout is { } timeout)
                    {
                        doorOptions.RequestTimeout = timeout;
                    }

                    frontDoor = await CloudRunFrontDoor.StartAsync(doorOptions, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await container.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                var both = new Stack(frontDoor, container);
                return await FirstAnswerAsync(new HttpTarget(host, frontDoor.BaseAddress, "Cloud Run front end → container", null, both), clock, cancellationToken).ConfigureAwait(false);
            }

            case CompareHosts.Azure:
            {
                var settings = variables.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal);
                var hostOptions = AzureFunctionsApp.Options(settings);
                if (options.FrontDoorTimeout is { } timeout)
                {
                    hostOptions = hostOptions with { HttpResponseTimeout = timeout };
                }

                var functions = await AzureFunctionsApp.StartAsync(hostOptions, cancellationToken).ConfigureAwait(false);
                var root = new Uri(functions.BaseAddress, functions.RoutePrefix.Length == 0 ? string.Empty : functions.RoutePrefix + "/");
                return await FirstAnswerAsync(new HttpTarget(host, root, "Functions host → isolated worker", null, functions), clock, cancellationToken).ConfigureAwait(false);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(host), host, "No such host.");
        }
    }

    // Ready means answering through the front door: the first request reaches the function (a cold invocation).
    private static async Task<HttpTarget> FirstAnswerAsync(HttpTarget target, Stopwatch clock, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                try
                {
                    using var response = await target.Client.GetAsync(target.Url("/_compare/ready"), cancellationToken).ConfigureAwait(false);
                    if ((int)response.StatusCode < 500)
                    {
                        target.ColdStart = clock.Elapsed;
                        return target;
                    }
                }
                catch (HttpRequestException) when (clock.Elapsed < HostDefaults.StartupTimeout)
                {
                }

                if (clock.Elapsed > HostDefaults.StartupTimeout)
                {
                    throw new TimeoutException($"{target.Host} did not answer through {target.FrontDoor} within {HostDefaults.StartupTimeout.TotalSeconds:0} s.");
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Stack(params IAsyncDisposable[] parts) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var part in parts)
            {
                await part.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
