using System.Buffers;

namespace EdgeLab.Mqtt.Packets;

/// <summary>Writes whole packets: Fixed Header (§2.1.1) then the packet's body, straight into the output buffer.</summary>
internal static class PacketEncoder
{
    /// <summary>Writes <paramref name="packet"/> and returns its total size in bytes.</summary>
    public static int Write(IBufferWriter<byte> output, IMqttPacket packet)
    {
        var remaining = packet.GetRemainingLength();
        var size = FixedHeaderSize(remaining) + remaining;
        var span = output.GetSpan(size)[..size];
        var w = new MqttWireWriter(span);
        w.WriteByte((byte)(((byte)packet.Type << 4) | packet.Flags));
        w.WriteVariableByteInteger(remaining);
        packet.WriteBody(ref w);
        if (w.Written != size) throw new InvalidOperationException($"{packet.Type} wrote {w.Written} bytes, sized {size}");
        output.Advance(size);
        return size;
    }

    public static int FixedHeaderSize(int remainingLength) => 1 + VariableByteInteger.Size(remainingLength);

    /// <summary>Encodes into a new array; for tests and rare packets.</summary>
    public static byte[] ToArray(IMqttPacket packet)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, packet);
        return buffer.WrittenSpan.ToArray();
    }
}
