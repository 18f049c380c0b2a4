using System.Buffers.Binary;

namespace EdgeLab.Mqtt.Packets;

/// <summary>Writes the data representations of §1.5 into a span sized beforehand from <see cref="IMqttPacket.GetRemainingLength"/>.</summary>
internal ref struct MqttWireWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _position;

    public readonly int Written => _position;

    public void WriteByte(byte value) => _buffer[_position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void WriteVariableByteInteger(int value) => _position += VariableByteInteger.Write(_buffer[_position..], value);

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    /// <summary>Binary Data (§1.5.6).</summary>
    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteUInt16((ushort)value.Length);
        WriteBytes(value);
    }

    /// <summary>UTF-8 Encoded String (§1.5.4); the caller sized it with <see cref="WireSize.String"/>, which validated it.</summary>
    public void WriteString(string value)
    {
        var n = Utf8Rules.StrictUtf8.GetBytes(value, _buffer[(_position + 2)..]);
        WriteUInt16((ushort)n);
        _position += n;
    }
}

/// <summary>Sizes of the §1.5 representations on the wire.</summary>
internal static class WireSize
{
    public static int String(string value, string what = "string") => 2 + Utf8Rules.ByteCount(value, what);

    public static int Binary(int length) =>
        length <= ushort.MaxValue ? 2 + length : throw new ArgumentException("Binary Data is longer than 65,535 bytes (§1.5.6)");

    /// <summary>A property block: its Variable Byte Integer length plus the properties.</summary>
    public static int PropertiesBlock(int propertiesLength) => VariableByteInteger.Size(propertiesLength) + propertiesLength;
}
