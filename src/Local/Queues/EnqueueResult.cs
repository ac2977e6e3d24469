using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Hosting;

namespace Portable.Local.Queues;

/// <summary>The answer to an enqueue.</summary>
public sealed record EnqueueResult(string Queue, string Id);
