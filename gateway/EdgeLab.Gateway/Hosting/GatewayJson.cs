using System.Text.Json.Serialization;
using EdgeLab.Instruments.Message;

namespace EdgeLab.Gateway.Hosting;

/// <summary>Source-generated JSON for the gateway's own (non-wire) documents.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DecodedMessage))]
internal sealed partial class GatewayJson : JsonSerializerContext;
