using System.Buffers;
using EdgeLab.Mqtt.Packets;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeLab.Mqtt.Tests.Codec;

/// <summary>Random and mutated bytes: the decoder either decodes or throws <see cref="MqttProtocolException"/>, and never allocates without bound.</summary>
public sealed class DecoderFuzzTests
{
    private const uint MaximumPacketSize = 64 * 1024;

    /// <summary>Frames and decodes everything in <paramref name="bytes"/>; the only exception allowed out is the typed one.</summary>
    private static void DecodeAll(byte[] bytes)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        try
        {
            while (PacketFramer.TryReadPacket(ref sequence, MaximumPacketSize, out var header, out var body))
            {
                var packet = PacketDecoder.Decode(header, body.ToArray());
                // Whatever decoded must encode again.
                _ = PacketEncoder.ToArray(packet);
            }
        }
        catch (MqttProtocolException)
        {
        }
    }

    [Fact]
    public void Random_bytes_only_ever_raise_the_typed_protocol_exception()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes => DecodeAll(bytes))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    [Fact]
    public void Random_bodies_behind_every_packet_type_only_raise_the_typed_protocol_exception()
    {
        var random = new Random(11);
        for (var i = 0; i < 20_000; i++)
        {
            var body = new byte[random.Next(0, 40)];
            random.NextBytes(body);
            var header = (byte)random.Next(256);
            try
            {
                PacketDecoder.Decode(header, body);
            }
            catch (MqttProtocolException)
            {
            }
        }
    }

    [Fact]
    public void Mutated_valid_packets_only_raise_the_typed_protocol_exception()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var bytes = PacketEncoder.ToArray(RandomPackets.Any(random));
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            DecodeAll(bytes);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0x7F })]
    [InlineData(new byte[] { 0x20, 0x81, 0x80, 0x04 })]
    [InlineData(new byte[] { 0x90, 0xFF, 0xFF, 0x7F })]
    public void A_forged_remaining_length_is_rejected_from_the_fixed_header_without_allocating(byte[] header)
    {
        var sequence = new ReadOnlySequence<byte>(header);
        var before = GC.GetAllocatedBytesForCurrentThread();
        MqttProtocolException? error = null;
        try
        {
            PacketFramer.TryReadPacket(ref sequence, MaximumPacketSize, out _, out _);
        }
        catch (MqttProtocolException ex)
        {
            error = ex;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotNull(error);
        Assert.Equal(MqttDisconnectReasonCode.PacketTooLarge, error.ReasonCode);
        Assert.InRange(allocated, 0, 4096);
    }
}
