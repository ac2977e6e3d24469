using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Hosting;

namespace Portable.Local.Queues;

/// <summary>How many dead letters went back on the queue.</summary>
public sealed record RedriveResult(string Queue, int Redriven);
