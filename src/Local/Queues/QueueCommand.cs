using System.Text;
using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Local.Queues;

/// <summary>
/// <c>portable queue send|dead-letters|redrive QUEUE [--data DIR]</c>: the local queue's operations on the
/// command line. They work on the SQLite file directly, so they need no running host; a running host picks a
/// sent or redriven message up at its next poll.
/// </summary>
public static class QueueCommand
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
          queue send QUEUE [BODY] [--id ID] [--data DIR]
                     enqueue a message (BODY, or standard input when BODY is absent or -)
          queue dead-letters QUEUE [--data DIR]
                     list the queue's dead letters as JSON
          queue redrive QUEUE [--data DIR]
                     move every dead letter back onto the queue
        """;

    /// <summary>Runs the command; returns the process exit code (0 done, 2 bad usage).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, FunctionManifest manifest, TextReader input, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Count < 2)
        {
            await error.WriteLineAsync("Usage:\n" + Usage).ConfigureAwait(false);
            return 2;
        }

        var (verb, queueName) = (args[0], args[1]);
        string? body = null;
        string? id = null;
        var dataDirectory = new LocalHostOptions().DataDirectory;
        for (var i = 2; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--id" when i + 1 < args.Count:
                    id = args[++i];
                    break;
                case "--data" when i + 1 < args.Count:
                    dataDirectory = args[++i];
                    break;
                case var positional when verb == "send" && body is null && !positional.StartsWith("--", StringComparison.Ordinal):
                    body = positional;
                    break;
                default:
                    await error.WriteLineAsync($"Unexpected argument '{args[i]}'.\nUsage:\n{Usage}").ConfigureAwait(false);
                    return 2;
            }
        }

        var declared = manifest.Functions.Select(f => f.Trigger).OfType<QueueTrigger>().Select(t => t.Queue).Distinct(StringComparer.Ordinal).ToArray();
        if (!declared.Contains(queueName, StringComparer.Ordinal))
        {
            await error.WriteLineAsync($"Queue '{queueName}' is not declared in the manifest. Declared: {string.Join(", ", declared)}.").ConfigureAwait(false);
            return 2;
        }

        Directory.CreateDirectory(dataDirectory);
        var queue = new SqliteMessageQueue(Path.Combine(dataDirectory, "portable.db"), timeProvider);
        switch (verb)
        {
            case "send":
                body = body is null or "-" ? await input.ReadToEndAsync().ConfigureAwait(false) : body;
                if (body.Length == 0)
                {
                    await error.WriteLineAsync("A message body is required (an argument, or standard input).").ConfigureAwait(false);
                    return 2;
                }

                var bytes = Encoding.UTF8.GetBytes(body);
                if (bytes.Length > DeliveryProfile.Local.MaxPayloadBytes)
                {
                    await error.WriteLineAsync($"A local queue message may be at most {DeliveryProfile.Local.MaxPayloadBytes} bytes; this one has {bytes.Length}.").ConfigureAwait(false);
                    return 2;
                }

                var sent = await queue.PublishAsync(queueName, new OutgoingMessage(bytes, MessageId: id)).ConfigureAwait(false);
                await output.WriteLineAsync(JsonSerializer.Serialize(new EnqueueResult(queueName, sent), LocalJsonContext.Default.EnqueueResult)).ConfigureAwait(false);
                return 0;
            case "dead-letters":
                var letters = await queue.ListDeadLettersAsync(queueName).ConfigureAwait(false);
                var list = new DeadLetterList(queueName, [.. letters.Select(DeadLetterView.From)]);
                await output.WriteLineAsync(JsonSerializer.Serialize(list, LocalJsonContext.Default.DeadLetterList)).ConfigureAwait(false);
                return 0;
            case "redrive":
                var redriven = await queue.RedriveAsync(queueName).ConfigureAwait(false);
                await output.WriteLineAsync(JsonSerializer.Serialize(new RedriveResult(queueName, redriven), LocalJsonContext.Default.RedriveResult)).ConfigureAwait(false);
                return 0;
            default:
                await error.WriteLineAsync($"Unknown queue command '{verb}'.\nUsage:\n{Usage}").ConfigureAwait(false);
                return 2;
        }
    }
}
