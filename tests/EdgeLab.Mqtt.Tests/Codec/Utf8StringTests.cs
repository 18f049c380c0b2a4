using EdgeLab.Mqtt.Packets;

namespace EdgeLab.Mqtt.Tests.Codec;

/// <summary>UTF-8 Encoded Strings (§1.5.4) in both directions.</summary>
public sealed class Utf8StringTests
{
    private static string Read(params byte[] utf8)
    {
        var body = new byte[2 + utf8.Length];
        body[0] = (byte)(utf8.Length >> 8);
        body[1] = (byte)utf8.Length;
        utf8.CopyTo(body, 2);
        var r = new MqttWireReader(body);
        return r.ReadString();
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x00, 0x62 })] // U+0000 [MQTT-1.5.4-2]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded surrogate U+D800 [MQTT-1.5.4-1]
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong '/'
    [InlineData(new byte[] { 0xE6, 0xB0 })] // truncated sequence
    public void Ill_formed_strings_are_malformed_packets(byte[] utf8) => Assert.Throws<MqttProtocolException>(() => Read(utf8));

    [Fact]
    public void A_bom_is_kept_not_stripped() => Assert.Equal("\uFEFFa", Read(0xEF, 0xBB, 0xBF, 0x61));

    [Fact]
    public void Strings_we_cannot_send_correctly_are_refused_before_the_wire()
    {
        Assert.Throws<ArgumentException>(() => WireSize.String("a\0b"));
        Assert.Throws<ArgumentException>(() => WireSize.String("\uD800"));
        Assert.Throws<ArgumentException>(() => WireSize.String(new string('a', 65_536)));
        Assert.Equal(2 + 4, WireSize.String("😀"));
    }
}
