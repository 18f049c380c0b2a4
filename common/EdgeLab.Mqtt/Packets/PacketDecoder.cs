namespace EdgeLab.Mqtt.Packets;

/// <summary>
/// Turns one framed packet (first byte + body) into a packet object. Pure: no I/O, no state. Anything that is
/// not a valid MQTT 5.0 packet ends in <see cref="MqttProtocolException"/>, never another exception type.
/// </summary>
internal static class PacketDecoder
{
    public static IMqttPacket Decode(byte header, ReadOnlySpan<byte> body)
    {
        var type = (PacketType)(header >> 4);
        var flags = (byte)(header & 0x0F);
        if (type != PacketType.Publish) CheckFlags(type, flags);
        try
        {
            return type switch
            {
                PacketType.Connect => ConnectPacket.Read(body),
                PacketType.ConnAck => ConnAckPacket.Read(body),
                PacketType.Publish => PublishPacket.Read(flags, body),
                PacketType.PubAck => PubAckPacket.Read(body),
                PacketType.Subscribe => SubscribePacket.Read(body),
                PacketType.SubAck => SubAckPacket.Read(body),
                PacketType.Unsubscribe => UnsubscribePacket.Read(body),
                PacketType.UnsubAck => UnsubAckPacket.Read(body),
                PacketType.PingReq => Empty(body, PingReqPacket.Instance),
                PacketType.PingResp => Empty(body, PingRespPacket.Instance),
                PacketType.Disconnect => DisconnectPacket.Read(body),
                // QoS 2 flows and enhanced authentication are not used by this client: we never send QoS 2 or an
                // Authentication Method, so the server sending them is a Protocol Error (§4.3.3, §4.12).
                _ => throw new MqttProtocolException($"Protocol error: unexpected packet type {(byte)type}"),
            };
        }
        catch (ArgumentException ex)
        {
            // Decoding never throws these by design; this keeps the typed-error promise if a codec path slips.
            throw new MqttProtocolException("Malformed packet: " + ex.Message);
        }
    }

    /// <summary>Reserved Fixed Header flags must have the values of Table 2-2 [MQTT-2.1.3-1].</summary>
    public static void CheckFlags(PacketType type, byte flags)
    {
        var expected = type is PacketType.PubRel or PacketType.Subscribe or PacketType.Unsubscribe ? 0x02 : 0x00;
        if (type == 0) throw new MqttProtocolException("Malformed packet: reserved packet type 0 (§2.1.2)");
        if (flags != expected)
            throw new MqttProtocolException($"Malformed packet: {type} with Fixed Header flags 0x{flags:X} [MQTT-2.1.3-1]");
    }

    private static IMqttPacket Empty(ReadOnlySpan<byte> body, IMqttPacket packet) =>
        body.IsEmpty ? packet : throw new MqttProtocolException($"Malformed {packet.Type}: it has no body (§3.12, §3.13)");
}
