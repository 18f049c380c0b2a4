using System.Buffers;

namespace EdgeLab.Mqtt.Packets;

/// <summary>
/// Finds packet boundaries in the receive buffer (§2.1.1: one byte type/flags, Remaining Length, body).
/// The size check happens on the Fixed Header alone, before any of the body is waited for, so a forged
/// Remaining Length is rejected at once and never turns into a buffer of that size (§3.1.2.11.4).
/// </summary>
internal static class PacketFramer
{
    /// <summary>
    /// Returns true and slices one whole packet off <paramref name="buffer"/> when it is there; false when more bytes are needed.
    /// Throws <see cref="MqttProtocolException"/> (reason Packet Too Large) when the packet would exceed <paramref name="maximumPacketSize"/>.
    /// </summary>
    public static bool TryReadPacket(ref ReadOnlySequence<byte> buffer, uint maximumPacketSize, out byte header, out ReadOnlySequence<byte> body)
    {
        header = 0;
        body = default;
        if (buffer.Length < 2) return false;
        header = buffer.FirstSpan[0];
        if (!VariableByteInteger.TryRead(buffer.Slice(1), out var remaining, out var lengthBytes)) return false;
        var total = 1L + lengthBytes + remaining;
        if (total > maximumPacketSize)
            throw new MqttProtocolException($"Packet of {total} bytes exceeds the Maximum Packet Size {maximumPacketSize} (§3.1.2.11.4)",
                MqttDisconnectReasonCode.PacketTooLarge);
        if (buffer.Length < total) return false;
        body = buffer.Slice(1 + lengthBytes, remaining);
        buffer = buffer.Slice(total);
        return true;
    }
}
