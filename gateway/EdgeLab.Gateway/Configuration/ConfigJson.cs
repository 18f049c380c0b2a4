using System.Text.Json.Serialization;

namespace EdgeLab.Gateway.Configuration;

/// <summary>Source-generated binding of the configuration file (camelCase, comments allowed), after validation.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(GatewayConfig))]
internal sealed partial class ConfigJson : JsonSerializerContext;
