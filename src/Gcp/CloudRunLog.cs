namespace Portable.Gcp;

/// <summary>The Cloud Run host's own log lines.</summary>
internal static partial class CloudRunLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Listening on 0.0.0.0:{Port}, serving {Functions}")]
    public static partial void Listening(ILogger logger, int port, string functions);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Shutting down (SIGTERM): no new connections; draining in-flight requests for up to {Seconds} s")]
    public static partial void Draining(ILogger logger, double seconds);
}
