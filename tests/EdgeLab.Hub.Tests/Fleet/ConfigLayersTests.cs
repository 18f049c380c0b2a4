using System.Text.Json.Nodes;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Store.Fleet;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>The effective configuration of a gateway from its layers: precedence, merge rule, hub-owned keys (issue 12 §2).</summary>
public sealed class ConfigLayersTests
{
    private static JsonObject J(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Later_layers_override_key_by_key_arrays_are_replaced_whole_and_null_removes()
    {
        var facility = J("""{"timeZone":"Asia/Tomsk","management":{"heartbeatSeconds":30,"configApplyTimeoutSeconds":60},"instruments":[{"id":"a"},{"id":"b"}]}""");
        var lab = J("""{"management":{"heartbeatSeconds":45},"instruments":[{"id":"c"}]}""");
        var gateway = J("""{"timeZone":null,"mqtt":{"host":"broker"}}""");

        var merged = ConfigLayers.Merge("lab-1-gw01", [facility, lab, gateway]);

        Assert.Equal("""{"gatewayId":"lab-1-gw01","management":{"heartbeatSeconds":45,"configApplyTimeoutSeconds":60},"instruments":[{"id":"c"}],"mqtt":{"host":"broker"}}""",
            ConfigLayers.Canonical(merged));
    }

    [Fact]
    public void Precedence_is_facility_lab_model_labels_in_order_then_gateway_whatever_order_they_come_in()
    {
        var layers = new[]
        {
            new ConfigScope(ConfigScopeKind.Gateway, "gw"), new ConfigScope(ConfigScopeKind.Label, "rural"), new ConfigScope(ConfigScopeKind.Facility, "F"),
            new ConfigScope(ConfigScopeKind.Label, "pilot"), new ConfigScope(ConfigScopeKind.Model, "rpi4"), new ConfigScope(ConfigScopeKind.Lab, "lab-1"),
        };
        Assert.Equal(["facility:F", "lab:lab-1", "model:rpi4", "label:pilot", "label:rural", "gateway:gw"],
            ConfigLayers.InPrecedenceOrder(layers, s => s).Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("""{"gatewayId":"other"}""", "'gatewayId' is set by the hub")]
    [InlineData("""{"configVersion":7}""", "'configVersion' is set by the hub")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("""{"a":""", "not JSON")]
    public void A_bad_layer_is_refused_with_what_and_where(string json, string expected)
    {
        var e = Assert.Throws<StoreValidationException>(() => ConfigLayers.ParseLayer(json, new ConfigScope(ConfigScopeKind.Lab, "lab-1")));
        Assert.Contains("layer lab:lab-1", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Diff_names_each_changed_path()
    {
        var changes = ConfigDiff.Between(J("""{"a":1,"m":{"x":1,"y":2}}"""), J("""{"m":{"x":3,"y":2},"n":true}"""));
        Assert.Equal(["- a: 1", "~ m.x: 1 → 3", "+ n: true"], changes.Select(c => c.ToString()));
    }
}
