using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>Source-generated JSON for what orchestrators send and get back.</summary>
[JsonSerializable(typeof(SagaStepRequest))]
[JsonSerializable(typeof(SagaStepRequest.Wire))]
[JsonSerializable(typeof(SagaStepReply))]
internal sealed partial class SagaWireJsonContext : JsonSerializerContext;
