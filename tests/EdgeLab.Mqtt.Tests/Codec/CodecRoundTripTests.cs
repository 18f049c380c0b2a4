using System.Buffers;
using EdgeLab.Mqtt.Packets;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeLab.Mqtt.Tests.Codec;

/// <summary>Property tests: every packet survives encode → frame → decode → encode byte for byte, however the bytes are split.</summary>
public sealed class CodecRoundTripTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(500);

    [Fact]
    public void Variable_byte_integer_round_trips_in_the_minimum_number_of_bytes()
    {
        Prop.ForAll(Gen.Choose(0, VariableByteInteger.MaxValue).ToArbitrary(), value =>
        {
            Span<byte> buffer = stackalloc byte[4];
            var n = VariableByteInteger.Write(buffer, value);
            var ok = VariableByteInteger.TryRead(buffer[..n], out var read, out var consumed);
            return ok && read == value && consumed == n && n == VariableByteInteger.Size(value);
        }).Check(Runs);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x00 })]
    [InlineData(new byte[] { 0xFF, 0x80, 0x00 })]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x01 })]
    public void Non_minimal_or_five_byte_variable_byte_integers_are_malformed(byte[] bytes) =>
        Assert.Throws<MqttProtocolException>(() => VariableByteInteger.TryRead(bytes, out _, out _));

    [Fact]
    public void Every_packet_type_round_trips_byte_for_byte_split_at_any_point()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var packet = RandomPackets.Any(random);
            var bytes = PacketEncoder.ToArray(packet);
            var sequence = Segments.Split(bytes, random.Next(bytes.Length), random.Next(bytes.Length), 1, 2);
            Assert.True(PacketFramer.TryReadPacket(ref sequence, uint.MaxValue, out var header, out var body));
            Assert.Equal(0, sequence.Length);
            var decoded = PacketDecoder.Decode(header, body.ToArray());
            Assert.Equal(packet.GetType(), decoded.GetType());
            Assert.Equal(bytes, PacketEncoder.ToArray(decoded));
        }).Check(Runs);
    }

    [Fact]
    public void A_truncated_packet_is_never_framed_and_a_whole_one_is_found_at_every_split()
    {
        var random = new Random(3);
        for (var n = 0; n < 30; n++)
        {
            var bytes = PacketEncoder.ToArray(RandomPackets.Any(random));
            for (var cut = 0; cut < bytes.Length; cut++)
            {
                var partial = new ReadOnlySequence<byte>(bytes, 0, cut);
                Assert.False(PacketFramer.TryReadPacket(ref partial, uint.MaxValue, out _, out _));
                var whole = Segments.Split(bytes, cut);
                Assert.True(PacketFramer.TryReadPacket(ref whole, uint.MaxValue, out _, out var body));
                Assert.Equal(bytes.AsSpan()[^(int)body.Length..].ToArray(), body.ToArray());
            }
        }
    }

    [Fact]
    public void Outgoing_publish_hot_path_writes_what_the_decoder_reads()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var message = RandomPackets.Message(random);
            var id = (ushort)random.Next(1, 65536);
            var dup = random.Next(2) == 0;
            var buffer = new ArrayBufferWriter<byte>();
            var size = PublishPacket.Write(buffer, message, id, dup);
            Assert.Equal(size, PublishPacket.GetSize(message));
            var sequence = new ReadOnlySequence<byte>(buffer.WrittenMemory);
            Assert.True(PacketFramer.TryReadPacket(ref sequence, uint.MaxValue, out var header, out var body));
            var p = Assert.IsType<PublishPacket>(PacketDecoder.Decode(header, body.ToArray()));
            Assert.Equal(message.Topic, p.Topic);
            Assert.Equal(message.Payload.ToArray(), p.Payload.ToArray());
            Assert.Equal(message.QualityOfService, p.QoS);
            Assert.Equal(message.Retain, p.Retain);
            // DUP only on QoS > 0 [MQTT-3.3.1-2]; no Packet Identifier at QoS 0 [MQTT-2.2.1-2].
            Assert.Equal(dup && message.QualityOfService > 0, p.Dup);
            Assert.Equal(message.QualityOfService > 0 ? id : 0, p.PacketId);
            Assert.Equal(message.MessageExpirySeconds, p.Properties.MessageExpiryInterval);
            Assert.Equal(message.ContentType, p.Properties.ContentType);
            Assert.Equal(message.ResponseTopic, p.Properties.ResponseTopic);
            Assert.Equal(message.CorrelationData?.ToArray(), p.Properties.CorrelationData);
            Assert.Equal(message.UserProperties, (IEnumerable<MqttUserProperty>?)p.Properties.UserProperties ?? []);
        }).Check(Runs);
    }
}
