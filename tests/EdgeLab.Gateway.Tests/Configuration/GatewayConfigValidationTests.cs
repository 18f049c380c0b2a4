using EdgeLab.Gateway.Configuration;

namespace EdgeLab.Gateway.Tests.Configuration;

public sealed class GatewayConfigValidationTests
{
    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(relative);
    }

    private static IReadOnlyList<string> Errors(string json)
    {
        var ex = Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse(json, "test.json"));
        return ex.Errors;
    }

    private const string Minimal = """
        { "gatewayId": "tomsk-okb-gw01", "dataDirectory": "/tmp/x", "mqtt": { "host": "127.0.0.1" },
          "instruments": [
            { "id": "a", "profile": "sysmex-xn", "transport": { "type": "tcp-server", "port": 5001 } },
            { "id": "b", "profile": "sysmex-xn", "transport": { "type": "tcp-client", "host": "127.0.0.1", "port": PORT } } ] }
        """;

    [Fact]
    public void The_example_file_is_valid_and_binds()
    {
        var config = GatewayConfigLoader.LoadFile(RepoFile("firmware-config/gateway.example.json"));
        Assert.Equal("tomsk-okb-gw01", config.GatewayId);
        Assert.Equal(3, config.Instruments.Count);
        Assert.Equal("serial", config.Instruments[0].Transport.Type);
        Assert.Equal(9600, config.Instruments[0].Transport.Baud);
        Assert.Equal("/etc/edgelab/pki/ca.pem", config.Mqtt.Tls!.Ca);
    }

    [Fact]
    public void A_port_out_of_range_is_reported_with_its_path()
    {
        var errors = Errors(Minimal.Replace("PORT", "70000"));
        Assert.Equal(["instruments[1].transport.port: must be 1..65535 (got 70000)"], errors);
    }

    [Fact]
    public void Defaults_fill_what_is_left_out()
    {
        var config = GatewayConfigLoader.Parse(Minimal.Replace("PORT", "5002"), "test.json");
        Assert.Equal(1883, config.Mqtt.Port);
        Assert.Equal("UTC", config.TimeZone);
        Assert.Equal(30, config.Management.HeartbeatSeconds);
        Assert.True(config.Instruments[0].Enabled);
    }

    [Theory]
    [InlineData("""{ "dataDirectory": "/d", "mqtt": { "host": "h" } }""", "gatewayId: is required")]
    [InlineData("""{ "gatewayId": "GW_1", "dataDirectory": "/d", "mqtt": { "host": "h" } }""", "gatewayId: must match [a-z0-9-]{3,64} (got \"GW_1\")")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h", "prot": 1 } }""", "mqtt.prot: is not a known setting")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h", "port": "1883" } }""", "mqtt.port: must be an integer, not the string \"1883\"")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "timeZone": "Mars/Olympus", "mqtt": { "host": "h" } }""", "timeZone: \"Mars/Olympus\" is not a known IANA time zone")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h", "tls": { "ca": "c", "cert": "x" } } }""", "mqtt.tls.key: cert and key go together")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h" }, "instruments": [ { "id": "a", "profile": "p", "transport": { "type": "serial" } } ] }""", "instruments[0].transport.path: is required for a serial transport")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h" }, "instruments": [ { "id": "a", "profile": "p", "transport": { "type": "serial", "path": "/dev/x", "baud": 49 } } ] }""", "instruments[0].transport.baud: must be 50..4000000 (got 49)")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h" }, "instruments": [ { "id": "a", "profile": "p", "transport": { "type": "usb" } } ] }""", "instruments[0].transport.type: must be one of serial, tcp-client, tcp-server (got \"usb\")")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h" }, "instruments": [ { "id": "a", "profile": "p", "transport": { "type": "tcp-server", "port": 1 } }, { "id": "a", "profile": "p", "transport": { "type": "tcp-server", "port": 2 } } ] }""", "instruments[1].id: \"a\" is used by another instrument")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h" }, "outbox": { "maxRows": 0 } }""", "outbox.maxRows: must be 1..")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h" }, "scanners": [ { "id": "s", "type": "hid", "path": "/dev/input/event3" } ] }""", "scanners[0].type: must be one of serial, evdev")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h" }, "instruments": [ { "id": "a", "profile": "p", "transport": { "type": "tcp-server", "port": 1 } } ], "scanners": [ { "id": "a", "type": "serial", "path": "/dev/ttyACM0" } ] }""", "scanners[0].id: \"a\" is used by another instrument or scanner")]
    [InlineData("""{ "gatewayId": "gw-1", "dataDirectory": "/d", "mqtt": { "host": "h" }, "scanners": [ { "id": "s", "type": "evdev", "path": "/dev/input/event3", "layout": "de" } ] }""", "scanners[0].layout: \"de\" is not a known keyboard layout: use us or ru")]
    public void Each_error_names_the_field(string json, string expected)
    {
        var errors = Errors(json);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Broken_json_says_where()
    {
        var errors = Errors("{ \"gatewayId\": \"gw-1\",\n  \"mqtt\": { ] }");
        Assert.StartsWith("not valid JSON at line 2", Assert.Single(errors));
    }
}
