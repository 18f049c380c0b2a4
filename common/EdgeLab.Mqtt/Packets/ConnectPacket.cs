namespace EdgeLab.Mqtt.Packets;

/// <summary>CONNECT (§3.1): the first packet a client sends on a Network Connection [MQTT-3.1.0-1].</summary>
internal sealed class ConnectPacket : IMqttPacket
{
    public const byte ProtocolVersion5 = 5;
    private static ReadOnlySpan<byte> ProtocolName => "\0\u0004MQTT"u8;

    public string ClientId = "";
    public bool CleanStart;
    public ushort KeepAliveSeconds;
    public MqttProperties Properties = new();
    public string? UserName;
    public byte[]? Password;

    // Will (§3.1.2.5 – §3.1.3.4): present when WillTopic is not null.
    public string? WillTopic;
    public byte[] WillPayload = [];
    public MqttQualityOfService WillQoS;
    public bool WillRetain;
    public MqttProperties WillProperties = new();

    public PacketType Type => PacketType.Connect;

    public byte Flags => 0;

    public int GetRemainingLength()
    {
        var n = ProtocolName.Length + 1 + 1 + 2 + WireSize.PropertiesBlock(Properties.GetLength());
        n += WireSize.String(ClientId, "Client Identifier");
        if (WillTopic is not null)
            n += WireSize.PropertiesBlock(WillProperties.GetLength()) + WireSize.String(WillTopic, "Will Topic") + WireSize.Binary(WillPayload.Length);
        if (UserName is not null) n += WireSize.String(UserName, "User Name");
        if (Password is not null) n += WireSize.Binary(Password.Length);
        return n;
    }

    public void WriteBody(ref MqttWireWriter w)
    {
        w.WriteBytes(ProtocolName);
        w.WriteByte(ProtocolVersion5);
        // Connect Flags (§3.1.2.3); bit 0 is reserved and MUST be 0 [MQTT-3.1.2-3].
        byte flags = 0;
        if (UserName is not null) flags |= 0x80;
        if (Password is not null) flags |= 0x40;
        if (WillTopic is not null)
        {
            flags |= 0x04;
            flags |= (byte)((byte)WillQoS << 3);
            if (WillRetain) flags |= 0x20;
        }
        if (CleanStart) flags |= 0x02;
        w.WriteByte(flags);
        w.WriteUInt16(KeepAliveSeconds);
        Properties.Write(ref w, Properties.GetLength());
        // Payload order: Client Identifier, Will Properties, Will Topic, Will Payload, User Name, Password [MQTT-3.1.3-1].
        w.WriteString(ClientId);
        if (WillTopic is not null)
        {
            WillProperties.Write(ref w, WillProperties.GetLength());
            w.WriteString(WillTopic);
            w.WriteBinary(WillPayload);
        }
        if (UserName is not null) w.WriteString(UserName);
        if (Password is not null) w.WriteBinary(Password);
    }

    public static ConnectPacket Read(ReadOnlySpan<byte> body)
    {
        var r = new MqttWireReader(body);
        if (!r.ReadBytes(ProtocolName.Length).SequenceEqual(ProtocolName))
            throw new MqttProtocolException("Malformed CONNECT: protocol name is not MQTT [MQTT-3.1.2-1]");
        var version = r.ReadByte();
        if (version != ProtocolVersion5) throw new MqttProtocolException($"Unsupported protocol version {version} [MQTT-3.1.2-2]");
        var flags = r.ReadByte();
        if ((flags & 0x01) != 0) throw new MqttProtocolException("Malformed CONNECT: reserved flag set [MQTT-3.1.2-3]");
        var p = new ConnectPacket
        {
            CleanStart = (flags & 0x02) != 0,
            KeepAliveSeconds = r.ReadUInt16(),
            Properties = MqttProperties.Read(ref r, AllowedProperties.Connect),
        };
        p.ClientId = r.ReadString();
        var will = (flags & 0x04) != 0;
        var willQoS = (flags >> 3) & 0x03;
        if (!will && (willQoS != 0 || (flags & 0x20) != 0))
            throw new MqttProtocolException("Malformed CONNECT: Will QoS/Retain without Will Flag [MQTT-3.1.2-11] [MQTT-3.1.2-13]");
        if (willQoS == 3) throw new MqttProtocolException("Malformed CONNECT: Will QoS 3 [MQTT-3.1.2-12]");
        if (will)
        {
            p.WillProperties = MqttProperties.Read(ref r, AllowedProperties.Will);
            p.WillTopic = r.ReadString();
            p.WillPayload = r.ReadBinary();
            p.WillQoS = (MqttQualityOfService)willQoS;
            p.WillRetain = (flags & 0x20) != 0;
        }
        if ((flags & 0x80) != 0) p.UserName = r.ReadString();
        if ((flags & 0x40) != 0) p.Password = r.ReadBinary();
        if (!r.End) throw new MqttProtocolException("Malformed CONNECT: bytes after the payload");
        return p;
    }
}
