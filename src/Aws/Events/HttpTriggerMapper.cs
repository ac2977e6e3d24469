using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;

namespace Portable.Aws.Events;

/// <summary>
/// HTTP functions on Lambda: API Gateway REST v1 proxy, HTTP API payload 2.0 and Function URL events in
/// (<see cref="ApiGatewayRequestMapper"/>), through <see cref="HttpInvoker"/>, and the response out in the shape the
/// event came in (<see cref="ApiGatewayResponseWriter"/>). Any other event is answered on <c>/error</c>.
/// </summary>
public sealed partial class HttpTriggerMapper : LambdaTriggerMapper<HttpTrigger>
{
    /// <inheritdoc />
    public override string Description => "HTTP (API Gateway REST v1 or HTTP API 2.0, Function URL)";

    /// <summary>
    /// Answers each invocation through <paramref name="invoker"/>. Each request is logged at Debug only: Lambda already
    /// writes START/END/REPORT lines for every invocation, so a line of Portable's own would cost throughput for nothing.
    /// </summary>
    /// <remarks>
    /// The handler writes every response into one buffer of its own, so an answer's memory holds until the handler is
    /// called again: the bootstrap posts each answer before it takes the next invocation, as Lambda serves one at a time.
    /// </remarks>
    public static LambdaEventHandler Answer(HttpInvoker invoker, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(logger);
        var output = new ResponseBuffer();
        return async (invocation, cancellationToken) =>
        {
            if (!ApiGatewayRequestMapper.TryMap(invocation.Payload, out var httpEvent, out var error))
            {
                LogUnsupported(logger, invocation.RequestId, error.ErrorType, error.ErrorMessage);
                return LambdaAnswer.Fail(error);
            }

            var info = new InvocationInfo(invocation.RequestId, invocation.Deadline, httpEvent.TraceParent, invocation.TraceId);
            // A request the client got wrong (say, a body flagged base64 that is not) is answered 400, not reported to /error.
            var response = httpEvent.Rejection ?? await invoker.InvokeAsync(httpEvent.Request, info, cancellationToken).ConfigureAwait(false);
            LogInvoked(logger, httpEvent.Format, httpEvent.Request.Method, httpEvent.Request.Path, response.StatusCode);
            return LambdaAnswer.Respond(output.Write(httpEvent.Format, response));
        };
    }

    /// <inheritdoc />
    protected override LambdaEventHandler Bind(FunctionDefinition function, HttpTrigger trigger, IServiceProvider services, ILogger logger) =>
        Answer(services.GetRequiredService<HttpInvoker>(), logger);

    // The one buffer and writer a bound handler writes its responses with; one grown past Limit (a large response) is
    // replaced rather than kept for the life of the process.
    private sealed class ResponseBuffer
    {
        private const int Limit = 256 * 1024;
        private ArrayBufferWriter<byte> _buffer = new(1024);
        private Utf8JsonWriter? _writer;

        public ReadOnlyMemory<byte> Write(HttpEventFormat format, PortableHttpResponse response)
        {
            if (_buffer.Capacity > Limit)
            {
                _buffer = new ArrayBufferWriter<byte>(1024);
                _writer = null;
            }

            _buffer.ResetWrittenCount();
            if (_writer is null)
            {
                _writer = ApiGatewayResponseWriter.CreateWriter(_buffer);
            }
            else
            {
                _writer.Reset(_buffer);
            }

            ApiGatewayResponseWriter.Write(_writer, format, response);
            return _buffer.WrittenMemory;
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "{Format} {Method} {Path} answered {StatusCode}")]
    private static partial void LogInvoked(ILogger logger, HttpEventFormat format, string method, string path, int statusCode);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Invocation {RequestId} is not an HTTP event ({ErrorType}): {ErrorMessage}")]
    private static partial void LogUnsupported(ILogger logger, string requestId, string errorType, string errorMessage);
}
