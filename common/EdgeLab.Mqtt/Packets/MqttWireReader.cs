using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace EdgeLab.Mqtt.Packets;

/// <summary>
/// Reads the data representations of §1.5 from one packet's body. Every read checks the bounds first and
/// throws <see cref="MqttProtocolException"/> (Malformed Packet, §4.13) instead of reading past the packet.
/// </summary>
internal ref struct MqttWireReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly int Remaining => _buffer.Length - _position;

    public readonly bool End => _position >= _buffer.Length;

    public byte ReadByte()
    {
        Need(1);
        return _buffer[_position++];
    }

    /// <summary>Two Byte Integer, big-endian (§1.5.2).</summary>
    public ushort ReadUInt16()
    {
        Need(2);
        var v = BinaryPrimitives.ReadUInt16BigEndian(_buffer[_position..]);
        _position += 2;
        return v;
    }

    /// <summary>Four Byte Integer, big-endian (§1.5.3).</summary>
    public uint ReadUInt32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32BigEndian(_buffer[_position..]);
        _position += 4;
        return v;
    }

    public int ReadVariableByteInteger()
    {
        if (!VariableByteInteger.TryRead(_buffer[_position..], out var value, out var consumed))
            throw new MqttProtocolException("Malformed packet: Variable Byte Integer runs past the end of the packet");
        _position += consumed;
        return value;
    }

    /// <summary>Binary Data (§1.5.6): a Two Byte length then that many bytes. The span points into the packet.</summary>
    public ReadOnlySpan<byte> ReadBinarySpan()
    {
        var length = ReadUInt16();
        return ReadBytes(length);
    }

    public byte[] ReadBinary() => ReadBinarySpan().ToArray();

    /// <summary>
    /// UTF-8 Encoded String (§1.5.4): must be well-formed UTF-8 without encoded surrogates [MQTT-1.5.4-1] and
    /// without U+0000 [MQTT-1.5.4-2]; otherwise the packet is malformed. A BOM is kept, not stripped [MQTT-1.5.4-3].
    /// </summary>
    public string ReadString()
    {
        var bytes = ReadBinarySpan();
        Utf8Rules.Validate(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Need(count);
        var s = _buffer.Slice(_position, count);
        _position += count;
        return s;
    }

    public ReadOnlySpan<byte> ReadToEnd()
    {
        var s = _buffer[_position..];
        _position = _buffer.Length;
        return s;
    }

    /// <summary>Reads a property block's length and returns a reader limited to it (§2.2.2.1).</summary>
    public MqttWireReader ReadPropertiesBlock()
    {
        var length = ReadVariableByteInteger();
        return new MqttWireReader(ReadBytes(length));
    }

    private readonly void Need(int count)
    {
        if (count > _buffer.Length - _position)
            throw new MqttProtocolException("Malformed packet: a field runs past the end of the packet (§4.13)");
    }
}

/// <summary>The rules for UTF-8 Encoded Strings (§1.5.4), shared by the reader and the writer.</summary>
internal static class Utf8Rules
{
    public static void Validate(ReadOnlySpan<byte> bytes)
    {
        // Utf8.IsValid rejects ill-formed sequences, overlongs and encoded surrogates U+D800..U+DFFF [MQTT-1.5.4-1].
        if (!Utf8.IsValid(bytes))
            throw new MqttProtocolException("Malformed packet: string is not well-formed UTF-8 [MQTT-1.5.4-1]");
        if (bytes.Contains((byte)0))
            throw new MqttProtocolException("Malformed packet: string contains U+0000 [MQTT-1.5.4-2]");
    }

    /// <summary>Checks a string we are about to send, so we never put a malformed string on the wire.</summary>
    public static int ByteCount(string value, string what)
    {
        if (value.Contains('\0')) throw new ArgumentException($"{what} must not contain U+0000 [MQTT-1.5.4-2]", what);
        int count;
        try
        {
            count = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"{what} has an unpaired surrogate and cannot be UTF-8 encoded [MQTT-1.5.4-1]", what, ex);
        }
        if (count > ushort.MaxValue) throw new ArgumentException($"{what} is longer than 65,535 UTF-8 bytes (§1.5.4)", what);
        return count;
    }

    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
