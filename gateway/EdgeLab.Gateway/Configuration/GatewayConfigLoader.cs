using System.Text.Json;

namespace EdgeLab.Gateway.Configuration;

/// <summary>Thrown when a configuration cannot be used; <see cref="Errors"/> name each bad field.</summary>
internal sealed class GatewayConfigException(string source, IReadOnlyList<string> errors)
    : Exception($"{source}: invalid gateway configuration:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Reads, validates and binds the configuration file (or a document the hub sent).</summary>
internal static class GatewayConfigLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static GatewayConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigException(path, [$"cannot read the file: {e.Message}"]);
        }
        return ResolveRelativeTo(Parse(text, path), Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// TLS files named without a folder are next to the configuration (the bootstrap bundle's <c>gateway.json</c> names
    /// <c>ca.crt</c>, <c>gateway.crt</c>, <c>gateway.key</c>), not in whatever the working directory happens to be.
    /// </summary>
    private static GatewayConfig ResolveRelativeTo(GatewayConfig config, string directory)
    {
        if (config.Mqtt.Tls is not { } tls) return config;
        string? Full(string? p) => p is null || Path.IsPathRooted(p) ? p : Path.Combine(directory, p);
        return config with { Mqtt = config.Mqtt with { Tls = tls with { Ca = Full(tls.Ca)!, Cert = Full(tls.Cert), Key = Full(tls.Key) } } };
    }

    public static GatewayConfig Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new GatewayConfigException(source, [$"not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}"]);
        }
        using (doc) return Bind(doc.RootElement, source);
    }

    /// <summary>Validates then binds; throws <see cref="GatewayConfigException"/> listing every bad field.</summary>
    public static GatewayConfig Bind(JsonElement root, string source)
    {
        var errors = GatewayConfigValidator.Validate(root);
        if (errors.Count > 0) throw new GatewayConfigException(source, errors);
        try
        {
            return root.Deserialize(ConfigJson.Default.GatewayConfig)
                ?? throw new GatewayConfigException(source, ["the document is null"]);
        }
        catch (JsonException e)
        {
            // The validator mirrors the schema, so this is a defect in it; still report the place.
            throw new GatewayConfigException(source, [$"{e.Path}: {e.Message}"]);
        }
    }

    public static string Serialize(GatewayConfig config) => JsonSerializer.Serialize(config, ConfigJson.Default.GatewayConfig);
}
