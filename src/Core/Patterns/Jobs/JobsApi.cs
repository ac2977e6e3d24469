using Portable.Core.Http;
using Portable.Core.Idempotency;
using Portable.Core.State;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// <c>jobs-api</c>: <c>POST /jobs</c> takes a <c>text/csv</c> body and starts a <see cref="CsvJobs"/> job (202,
/// <c>Location: /jobs/{id}</c>); <c>GET /jobs/{id}</c> shows its progress and totals. Errors use the project's JSON
/// error body: 400 for an empty body, a body that is not UTF-8 or a first line that is not <c>category,amount</c>; 415
/// for another content type; 413 above <see cref="JobOptions.MaxCsvBytes"/>; 404 for an unknown job.
/// <c>Idempotency-Key</c> on POST is handled by <see cref="HttpIdempotencyMiddleware"/> (a retry replays the 202); the
/// job id is also derived from the key, so a retry after a start that failed half-way resumes that very job.
/// </summary>
public sealed class JobsApi(CsvJobs jobs, TimeProvider timeProvider)
{
    /// <summary>The function's name in the manifest.</summary>
    public const string FunctionName = "jobs-api";

    /// <summary>Declares the routes of <c>jobs-api</c>.</summary>
    public static void MapRoutes(HttpRoutesBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .Map<JobsApi>("POST", "/jobs", static (api, request, _, ct) => api.CreateAsync(request, ct))
            .Map<JobsApi>("GET", "/jobs/{id}", static (api, request, _, ct) => api.GetAsync(request, ct));
    }

    /// <summary>True for <c>text/csv</c>, parameters allowed but a charset only if UTF-8 (or its subset US-ASCII).</summary>
    public static bool IsCsvContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var parts = contentType.Split(';');
        if (!parts[0].Trim().Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var parameter in parts.Skip(1))
        {
            var pair = parameter.Split('=', 2);
            if (pair[0].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase)
                && !(pair.Length == 2 && pair[1].Trim().Trim('"') is var charset
                     && (charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>POST /jobs</c>: 202 with <c>{"id","status"}</c> and <c>Location</c>; 400, 413, 415 or 422 (the key reused for another CSV).</summary>
    public async ValueTask<PortableHttpResponse> CreateAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Body.IsEmpty)
        {
            return PortableHttpResponse.Error(400, "A CSV request body is required: the header line 'category,amount', then the rows.");
        }

        if (!IsCsvContentType(request.ContentType))
        {
            return PortableHttpResponse.Error(415, $"Content-Type must be text/csv (UTF-8), not '{request.ContentType ?? "(none)"}'.");
        }

        var key = request.Headers[HttpIdempotencyMiddleware.HeaderName]?.Trim();
        var id = string.IsNullOrEmpty(key) ? SortableId.New(timeProvider) : CsvJobs.JobIdFor($"{FunctionName}\n{key}");
        var start = await jobs.StartAsync(id, request.Body, cancellationToken).ConfigureAwait(false);
        return start.Outcome switch
        {
            JobStartOutcome.Started or JobStartOutcome.AlreadyStarted => PortableHttpResponse.Json(
                202, new JobAccepted(id, start.Status!.Value), JobsJsonContext.Default.JobAccepted, new HeaderMap.Builder(2).Add("Location", $"/jobs/{id}")),
            JobStartOutcome.TooLarge => PortableHttpResponse.Error(413, start.Error!),
            JobStartOutcome.Conflict => PortableHttpResponse.Error(422, $"This {HttpIdempotencyMiddleware.HeaderName} was already used with a different CSV."),
            _ => PortableHttpResponse.Error(400, start.Error!),
        };
    }

    /// <summary><c>GET /jobs/{id}</c>: 200 with <see cref="JobView"/>, or 404.</summary>
    public async ValueTask<PortableHttpResponse> GetAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.RouteValues["id"];
        return await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } view
            ? PortableHttpResponse.Json(200, view, JobsJsonContext.Default.JobView)
            : PortableHttpResponse.Error(404, $"Job '{id}' was not found.");
    }
}
