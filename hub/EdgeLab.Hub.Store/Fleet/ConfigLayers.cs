using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeLab.Hub.Store.Fleet;

/// <summary>
/// A gateway's effective configuration from its layers (pure; issue 12 §2). Precedence, lowest first: facility, lab,
/// box model, each of its labels in ordinal order, the gateway's own layer. Merge rule (as JSON Merge Patch, RFC 7396
/// §2): objects merge key by key, a later layer's scalar or array replaces the earlier value whole (an instrument list
/// is never spliced), and <c>null</c> removes the key. The hub then sets <c>gatewayId</c> itself and drops
/// <c>configVersion</c> (the version travels beside the document in <c>ConfigMessage</c>): the same layers always give
/// the same bytes, so an unchanged result never becomes a new version.
/// </summary>
public static class ConfigLayers
{
    /// <summary>A layer's document may not exceed this (the whole <c>…/config</c> message must stay far below the broker's limits).</summary>
    public const int MaxLayerBytes = 256 * 1024;

    /// <summary>Keys only the hub sets.</summary>
    private static readonly string[] HubOwnedKeys = ["gatewayId", "configVersion"];

    /// <summary>Checks a layer a person submits; the error says what and where.</summary>
    public static JsonObject ParseLayer(string json, ConfigScope scope)
    {
        if (Encoding.UTF8.GetByteCount(json) > MaxLayerBytes)
            throw new StoreValidationException($"layer {scope}: the document is larger than {MaxLayerBytes / 1024} KiB");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new StoreValidationException($"layer {scope}: not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}");
        }
        if (node is not JsonObject layer)
            throw new StoreValidationException($"layer {scope}: the document must be a JSON object (a part of the gateway configuration, firmware-config/gateway.schema.json)");
        foreach (var key in HubOwnedKeys)
        {
            if (layer.ContainsKey(key))
                throw new StoreValidationException($"layer {scope}: '{key}' is set by the hub, leave it out");
        }
        return layer;
    }

    /// <summary>Merges <paramref name="layers"/> (already in precedence order, lowest first) into one document for <paramref name="gatewayId"/>.</summary>
    public static JsonObject Merge(string gatewayId, IEnumerable<JsonObject> layers)
    {
        var result = new JsonObject();
        foreach (var layer in layers) MergeInto(result, layer);
        foreach (var key in HubOwnedKeys) result.Remove(key);
        // gatewayId first: the document reads like the gateway's own file.
        var ordered = new JsonObject { ["gatewayId"] = gatewayId };
        foreach (var (key, value) in result.ToList())
        {
            result.Remove(key);
            ordered[key] = value;
        }
        return ordered;
    }

    /// <summary>The precedence of a set of layers: kind, then (labels) value in ordinal order.</summary>
    public static IEnumerable<T> InPrecedenceOrder<T>(IEnumerable<T> layers, Func<T, ConfigScope> scope) =>
        layers.OrderBy(l => scope(l).Kind).ThenBy(l => scope(l).Value, StringComparer.Ordinal);

    public static string Canonical(JsonObject document) => document.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    public static string Sha256(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
            {
                MergeInto(targetObject, patchObject);
            }
            else
            {
                target[key] = value is JsonObject o ? Clean(o) : value.DeepClone();
            }
        }
    }

    /// <summary>A nested object new to the target: its nulls mean "absent", as in a merge (RFC 7396 §2).</summary>
    private static JsonObject Clean(JsonObject source)
    {
        var copy = new JsonObject();
        MergeInto(copy, source);
        return copy;
    }
}
