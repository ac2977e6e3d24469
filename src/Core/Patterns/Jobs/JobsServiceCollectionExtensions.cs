using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Settings;
using Portable.Core.State;
using Portable.Core.Storage;

namespace Portable.Core.Patterns.Jobs;

/// <summary>Registers the CSV job pattern's functions and services.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="CsvJobs"/>, <c>jobs-api</c>, <c>job-chunk-worker</c> and <c>job-upload-starter</c> with the options the environment sets (see <see cref="JobOptions.FromSettings"/>).</summary>
    /// <exception cref="SettingsException">A <c>PORTABLE_JOBS_*</c> variable is out of its range.</exception>
    public static IServiceCollection AddJobs(this IServiceCollection services) => services.AddJobs(HostSettings.Environment);

    /// <summary>Adds <see cref="CsvJobs"/>, <c>jobs-api</c>, <c>job-chunk-worker</c> and <c>job-upload-starter</c> with the options <paramref name="settings"/> give.</summary>
    /// <exception cref="SettingsException">A <c>PORTABLE_JOBS_*</c> variable is out of its range.</exception>
    public static IServiceCollection AddJobs(this IServiceCollection services, HostSettings settings) =>
        services.AddJobs(JobOptions.FromSettings(settings ?? throw new ArgumentNullException(nameof(settings))));

    /// <summary>Adds <see cref="CsvJobs"/>, <c>jobs-api</c>, <c>job-chunk-worker</c> and <c>job-upload-starter</c> with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public static IServiceCollection AddJobs(this IServiceCollection services, JobOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // Built by factories, not by reflection over their constructors (see PortableDefaults); loggers from ILoggerFactory,
        // since a host may register only that (the Lambda host does: no AddLogging, so no ILogger<T>).
        services.AddSingleton(sp => new CsvJobs(
            sp.GetRequiredService<IStateStore>(),
            sp.GetRequiredService<IMessagePublisher>(),
            sp.GetRequiredService<TimeProvider>(),
            options,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<CsvJobs>()));
        services.AddSingleton(sp => new JobsApi(sp.GetRequiredService<CsvJobs>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new JobChunkWorker(
            sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<JobChunkWorker>()));
        services.AddSingleton(sp => new JobUploadStarter(
            sp.GetRequiredService<CsvJobs>(), sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<JobUploadStarter>()));
        return services;
    }

    /// <summary>
    /// Declares <c>jobs-api</c> (<c>POST /jobs</c>, <c>GET /jobs/{id}</c>), <c>job-chunk-worker</c> (queue
    /// <c>job-chunks</c>) and, unless <paramref name="uploads"/> is false, <c>job-upload-starter</c> (objects created in the
    /// bucket <c>uploads</c> with a <c>.csv</c> key) in a manifest.
    /// </summary>
    /// <param name="manifest">The manifest builder.</param>
    /// <param name="uploads">Whether uploads start jobs too (false for a host that has no storage trigger to serve it with).</param>
    public static FunctionManifestBuilder AddJobs(this FunctionManifestBuilder manifest, bool uploads = true)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        manifest
            .AddHttp(JobsApi.FunctionName, JobsApi.MapRoutes)
            .AddQueue<JobChunkWorker>(JobChunkWorker.FunctionName, JobChunkWorker.Queue, JobChunkWorker.TriggerOptions);
        return uploads
            ? manifest.AddStorageFunction<JobUploadStarter>(JobUploadStarter.FunctionName, JobUploadStarter.Bucket, suffix: JobUploadStarter.Suffix)
            : manifest;
    }
}
