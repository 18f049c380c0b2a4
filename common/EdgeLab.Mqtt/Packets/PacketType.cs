namespace EdgeLab.Mqtt.Packets;

/// <summary>MQTT Control Packet types, the high nibble of the first byte of the Fixed Header (§2.1.2, Table 2-1).</summary>
internal enum PacketType : byte
{
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    Auth = 15,
}

/// <summary>A packet that can be written: the Fixed Header is written by <see cref="PacketEncoder"/>, the rest by the packet.</summary>
internal interface IMqttPacket
{
    PacketType Type { get; }

    /// <summary>The low nibble of the first byte (§2.1.3); fixed per type except PUBLISH.</summary>
    byte Flags { get; }

    /// <summary>Length of the Variable Header plus the Payload (§2.1.4).</summary>
    int GetRemainingLength();

    void WriteBody(ref MqttWireWriter writer);
}
