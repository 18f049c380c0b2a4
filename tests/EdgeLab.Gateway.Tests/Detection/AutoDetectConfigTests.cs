using EdgeLab.Gateway.Configuration;

namespace EdgeLab.Gateway.Tests.Detection;

/// <summary><c>"profile": "auto"</c> and <c>"baud": "auto"</c> in the configuration file: accepted where they make sense, clear errors elsewhere.</summary>
public sealed class AutoDetectConfigTests
{
    private static string Config(string transport, string profile = "auto") => $$"""
        { "gatewayId": "tomsk-okb-gw01", "dataDirectory": "/tmp/x", "mqtt": { "host": "127.0.0.1" },
          "instruments": [ { "id": "bench-1", "profile": "{{profile}}", "transport": {{transport}} } ] }
        """;

    private static IReadOnlyList<string> Errors(string json) =>
        Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse(json, "test.json")).Errors;

    [Fact]
    public void Auto_profile_and_auto_baud_on_a_serial_line_bind_and_round_trip()
    {
        var config = GatewayConfigLoader.Parse(Config("""{ "type": "serial", "path": "/dev/ttyUSB0", "baud": "auto" }"""), "test.json");

        var instrument = Assert.Single(config.Instruments);
        Assert.True(instrument.DetectsProfile);
        Assert.True(instrument.Transport.DetectsBaud);
        var written = GatewayConfigLoader.Serialize(config);
        Assert.Contains("\"baud\": \"auto\"", written, StringComparison.Ordinal);
        Assert.True(GatewayConfigLoader.Parse(written, "again.json").Instruments[0].Transport.DetectsBaud);
    }

    [Fact]
    public void A_numeric_baud_still_binds_as_before()
    {
        var config = GatewayConfigLoader.Parse(Config("""{ "type": "serial", "path": "/dev/ttyUSB0", "baud": 19200 }""", "sysmex-xn"), "test.json");

        Assert.Equal(19200, config.Instruments[0].Transport.Baud);
        Assert.False(config.Instruments[0].Transport.DetectsBaud);
        Assert.False(config.Instruments[0].DetectsProfile);
    }

    [Fact]
    public void Auto_baud_is_refused_on_tcp_and_beside_a_framing_and_a_wrong_word_is_named()
    {
        Assert.Equal(["instruments[0].transport.baud: \"auto\" is for a serial transport only (this one is tcp-server)"],
            Errors(Config("""{ "type": "tcp-server", "port": 5001, "baud": "auto" }""")));
        Assert.Equal(["instruments[0].transport.parity: is detected with \"baud\": \"auto\" (8N1, 7E1 or 7O1): leave it out, or set baud to a rate"],
            Errors(Config("""{ "type": "serial", "path": "/dev/ttyUSB0", "baud": "auto", "parity": "even" }""")));
        var wrong = Assert.Single(Errors(Config("""{ "type": "serial", "path": "/dev/ttyUSB0", "baud": "automatic" }""")));
        Assert.StartsWith("instruments[0].transport.baud: must be a rate (50..4000000, ", wrong, StringComparison.Ordinal);
        Assert.EndsWith("or \"auto\" (got \"automatic\")", wrong, StringComparison.Ordinal);
    }
}
