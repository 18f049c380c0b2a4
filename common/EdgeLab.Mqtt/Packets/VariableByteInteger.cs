using System.Buffers;

namespace EdgeLab.Mqtt.Packets;

/// <summary>Variable Byte Integer (§1.5.5): 7 bits per byte, high bit = continuation, at most 4 bytes.</summary>
internal static class VariableByteInteger
{
    /// <summary>268,435,455: the largest value four bytes can carry (§1.5.5).</summary>
    public const int MaxValue = 0x0FFF_FFFF;

    public static int Size(int value) => value switch
    {
        < 0 => throw new ArgumentOutOfRangeException(nameof(value)),
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        <= MaxValue => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "exceeds the Variable Byte Integer range"),
    };

    /// <summary>Writes the minimum number of bytes [MQTT-1.5.5-1]; returns how many.</summary>
    public static int Write(Span<byte> destination, int value)
    {
        var i = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0) b |= 0x80;
            destination[i++] = b;
        }
        while (value > 0);
        return i;
    }

    /// <summary>
    /// Reads one from a span. Returns false when the span ends before the last byte (need more data);
    /// throws <see cref="MqttProtocolException"/> on a fifth byte or a non-minimal encoding [MQTT-1.5.5-1].
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out int value, out int consumed)
    {
        value = 0;
        var multiplier = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i >= source.Length)
            {
                consumed = 0;
                return false;
            }
            var b = source[i];
            value |= (b & 0x7F) << multiplier;
            multiplier += 7;
            if ((b & 0x80) == 0)
            {
                // A last byte of 0 after a continuation byte means the value fitted in fewer bytes.
                if (b == 0 && i > 0) throw new MqttProtocolException("Malformed Variable Byte Integer: not the minimum number of bytes [MQTT-1.5.5-1]");
                consumed = i + 1;
                return true;
            }
        }
        throw new MqttProtocolException("Malformed Variable Byte Integer: more than four bytes (§1.5.5)");
    }

    /// <summary>The same over a possibly segmented sequence (the fixed header as it arrives from the pipe).</summary>
    public static bool TryRead(in ReadOnlySequence<byte> source, out int value, out int consumed)
    {
        Span<byte> head = stackalloc byte[4];
        var n = (int)Math.Min(4, source.Length);
        source.Slice(0, n).CopyTo(head);
        return TryRead(head[..n], out value, out consumed);
    }
}
