namespace EdgeLab.Mqtt.Packets;

/// <summary>
/// PUBACK (§3.4): the answer to a QoS 1 PUBLISH. The reader of our own publishes' acknowledgements uses
/// <see cref="ReadHeader"/>, which allocates nothing; the full <see cref="Read"/> keeps the properties.
/// </summary>
internal sealed class PubAckPacket : IMqttPacket
{
    public ushort PacketId;
    public MqttPubAckReasonCode ReasonCode;
    public MqttProperties Properties = new();

    public PacketType Type => PacketType.PubAck;

    public byte Flags => 0;

    public int GetRemainingLength()
    {
        var propertiesLength = Properties.GetLength();
        // The Reason Code and Property Length can be omitted if the Reason Code is 0x00 and there are no properties (§3.4.2.1).
        if (ReasonCode == MqttPubAckReasonCode.Success && propertiesLength == 0) return 2;
        return propertiesLength == 0 ? 3 : 3 + WireSize.PropertiesBlock(propertiesLength);
    }

    public void WriteBody(ref MqttWireWriter w)
    {
        w.WriteUInt16(PacketId);
        var propertiesLength = Properties.GetLength();
        if (ReasonCode == MqttPubAckReasonCode.Success && propertiesLength == 0) return;
        w.WriteByte((byte)ReasonCode);
        if (propertiesLength > 0) Properties.Write(ref w, propertiesLength);
    }

    /// <summary>The 4-byte PUBACK we send for an incoming QoS 1 message: id + success, no properties.</summary>
    public static void WriteSimple(Span<byte> destination, ushort packetId, MqttPubAckReasonCode reason)
    {
        destination[0] = (byte)PacketType.PubAck << 4;
        destination[1] = 3;
        destination[2] = (byte)(packetId >> 8);
        destination[3] = (byte)packetId;
        destination[4] = (byte)reason;
    }

    public const int SimpleSize = 5;

    /// <summary>Reads the Packet Identifier and Reason Code, validating the rest without keeping it.</summary>
    public static (ushort PacketId, MqttPubAckReasonCode ReasonCode) ReadHeader(ReadOnlySpan<byte> body, out string? reasonString)
    {
        reasonString = null;
        var r = new MqttWireReader(body);
        var id = r.ReadUInt16();
        if (id == 0) throw new MqttProtocolException("Malformed PUBACK: Packet Identifier 0 [MQTT-2.2.1-3]");
        if (r.End) return (id, MqttPubAckReasonCode.Success);
        var reason = (MqttPubAckReasonCode)r.ReadByte();
        if (!r.End)
        {
            var props = MqttProperties.Read(ref r, AllowedProperties.Ack);
            reasonString = props.ReasonString;
        }
        if (!r.End) throw new MqttProtocolException("Malformed PUBACK: bytes after the properties");
        return (id, reason);
    }

    public static PubAckPacket Read(ReadOnlySpan<byte> body)
    {
        var r = new MqttWireReader(body);
        var p = new PubAckPacket { PacketId = r.ReadUInt16() };
        if (p.PacketId == 0) throw new MqttProtocolException("Malformed PUBACK: Packet Identifier 0 [MQTT-2.2.1-3]");
        if (!r.End) p.ReasonCode = (MqttPubAckReasonCode)r.ReadByte();
        if (!r.End) p.Properties = MqttProperties.Read(ref r, AllowedProperties.Ack);
        if (!r.End) throw new MqttProtocolException("Malformed PUBACK: bytes after the properties");
        return p;
    }
}
