using System.Text.RegularExpressions;

namespace EdgeLab.Hub.Store.Fleet;

/// <summary>
/// What a configuration layer applies to. The order of the values is the precedence, lowest first: a later kind
/// overrides an earlier one key by key (<see cref="ConfigLayers.Merge"/>), and the gateway's own layer wins over all.
/// </summary>
public enum ConfigScopeKind
{
    Facility = 0,
    Lab = 1,
    Model = 2,
    Label = 3,
    Gateway = 4,
}

/// <summary>A layer's address, e.g. <c>facility:tomsk-okb</c>, <c>label:rural</c>, <c>gateway:tomsk-okb-gw01</c>.</summary>
public sealed partial record ConfigScope(ConfigScopeKind Kind, string Value)
{
    public static ConfigScope Gateway(string gatewayId) => new(ConfigScopeKind.Gateway, gatewayId);

    public string KindText => KindName(Kind);

    public override string ToString() => $"{KindText}:{Value}";

    public static string KindName(ConfigScopeKind kind) => kind switch
    {
        ConfigScopeKind.Facility => "facility",
        ConfigScopeKind.Lab => "lab",
        ConfigScopeKind.Model => "model",
        ConfigScopeKind.Label => "label",
        _ => "gateway",
    };

    /// <summary>Parses <c>kind</c> and <c>value</c> as the API and the command line take them; the error names the field.</summary>
    public static ConfigScope Parse(string kind, string value)
    {
        var k = kind switch
        {
            "facility" => ConfigScopeKind.Facility,
            "lab" => ConfigScopeKind.Lab,
            "model" => ConfigScopeKind.Model,
            "label" => ConfigScopeKind.Label,
            "gateway" => ConfigScopeKind.Gateway,
            _ => throw new StoreValidationException($"scope kind '{kind}' is not one of facility, lab, model, label, gateway"),
        };
        // Facilities are free text (gateway.facility, 'gateways enrol --facility'); the others are ids.
        if (k == ConfigScopeKind.Facility
                ? string.IsNullOrWhiteSpace(value) || value.Length > 200 || value.Any(char.IsControl)
                : !IdPattern().IsMatch(value))
            throw new StoreValidationException(k == ConfigScopeKind.Facility
                ? $"facility '{value}' must be one line of 1–200 characters"
                : $"{kind} '{value}' must be 1–64 characters of a-z, 0-9, '-', '_' or '.'");
        return new ConfigScope(k, value);
    }

    [GeneratedRegex("^[a-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();
}
