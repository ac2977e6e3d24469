using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Hosting;

namespace Portable.Local.Queues;

/// <summary>How many messages wait on a queue (visible or leased) and how many were dead-lettered.</summary>
public sealed record QueueDepth(string Queue, long Messages, long DeadLetters);
