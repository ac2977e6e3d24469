using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Hosting;

namespace Portable.Local.Queues;

/// <summary>A queue's dead letters.</summary>
public sealed record DeadLetterList(string Queue, IReadOnlyList<DeadLetterView> DeadLetters);
