namespace EdgeLab.Mqtt.Packets;

/// <summary>
/// The properties of one packet (§2.2.2). Absent = null. The codec enforces: only the properties the packet allows
/// (Table 2-4), each at most once except User Property and Subscription Identifier (§2.2.2.2), and the value
/// ranges the spec names (a violation is a Protocol Error, §4.13).
/// </summary>
internal sealed class MqttProperties
{
    public byte? PayloadFormatIndicator;
    public uint? MessageExpiryInterval;
    public string? ContentType;
    public string? ResponseTopic;
    public byte[]? CorrelationData;
    public List<int>? SubscriptionIdentifiers;
    public uint? SessionExpiryInterval;
    public string? AssignedClientIdentifier;
    public ushort? ServerKeepAlive;
    public string? AuthenticationMethod;
    public byte[]? AuthenticationData;
    public byte? RequestProblemInformation;
    public uint? WillDelayInterval;
    public byte? RequestResponseInformation;
    public string? ResponseInformation;
    public string? ServerReference;
    public string? ReasonString;
    public ushort? ReceiveMaximum;
    public ushort? TopicAliasMaximum;
    public ushort? TopicAlias;
    public byte? MaximumQoS;
    public byte? RetainAvailable;
    public List<MqttUserProperty>? UserProperties;
    public uint? MaximumPacketSize;
    public byte? WildcardSubscriptionAvailable;
    public byte? SubscriptionIdentifierAvailable;
    public byte? SharedSubscriptionAvailable;

    /// <summary>Length of the properties themselves, without the block's length prefix.</summary>
    public int GetLength()
    {
        var n = 0;
        if (PayloadFormatIndicator.HasValue) n += 2;
        if (MessageExpiryInterval.HasValue) n += 5;
        if (ContentType is not null) n += 1 + WireSize.String(ContentType, "Content Type");
        if (ResponseTopic is not null) n += 1 + WireSize.String(ResponseTopic, "Response Topic");
        if (CorrelationData is not null) n += 1 + WireSize.Binary(CorrelationData.Length);
        if (SubscriptionIdentifiers is not null)
            foreach (var id in SubscriptionIdentifiers) n += 1 + VariableByteInteger.Size(id);
        if (SessionExpiryInterval.HasValue) n += 5;
        if (AssignedClientIdentifier is not null) n += 1 + WireSize.String(AssignedClientIdentifier);
        if (ServerKeepAlive.HasValue) n += 3;
        if (AuthenticationMethod is not null) n += 1 + WireSize.String(AuthenticationMethod);
        if (AuthenticationData is not null) n += 1 + WireSize.Binary(AuthenticationData.Length);
        if (RequestProblemInformation.HasValue) n += 2;
        if (WillDelayInterval.HasValue) n += 5;
        if (RequestResponseInformation.HasValue) n += 2;
        if (ResponseInformation is not null) n += 1 + WireSize.String(ResponseInformation);
        if (ServerReference is not null) n += 1 + WireSize.String(ServerReference);
        if (ReasonString is not null) n += 1 + WireSize.String(ReasonString);
        if (ReceiveMaximum.HasValue) n += 3;
        if (TopicAliasMaximum.HasValue) n += 3;
        if (TopicAlias.HasValue) n += 3;
        if (MaximumQoS.HasValue) n += 2;
        if (RetainAvailable.HasValue) n += 2;
        if (UserProperties is not null)
            foreach (var p in UserProperties) n += 1 + WireSize.String(p.Name, "User Property name") + WireSize.String(p.Value, "User Property value");
        if (MaximumPacketSize.HasValue) n += 5;
        if (WildcardSubscriptionAvailable.HasValue) n += 2;
        if (SubscriptionIdentifierAvailable.HasValue) n += 2;
        if (SharedSubscriptionAvailable.HasValue) n += 2;
        return n;
    }

    /// <summary>Writes the block: Variable Byte Integer length, then each property as identifier + value (§2.2.2).</summary>
    public void Write(ref MqttWireWriter w, int length)
    {
        w.WriteVariableByteInteger(length);
        if (PayloadFormatIndicator is { } pfi) { w.WriteByte((byte)PropertyId.PayloadFormatIndicator); w.WriteByte(pfi); }
        if (MessageExpiryInterval is { } mei) { w.WriteByte((byte)PropertyId.MessageExpiryInterval); w.WriteUInt32(mei); }
        if (ContentType is not null) { w.WriteByte((byte)PropertyId.ContentType); w.WriteString(ContentType); }
        if (ResponseTopic is not null) { w.WriteByte((byte)PropertyId.ResponseTopic); w.WriteString(ResponseTopic); }
        if (CorrelationData is not null) { w.WriteByte((byte)PropertyId.CorrelationData); w.WriteBinary(CorrelationData); }
        if (SubscriptionIdentifiers is not null)
            foreach (var id in SubscriptionIdentifiers) { w.WriteByte((byte)PropertyId.SubscriptionIdentifier); w.WriteVariableByteInteger(id); }
        if (SessionExpiryInterval is { } sei) { w.WriteByte((byte)PropertyId.SessionExpiryInterval); w.WriteUInt32(sei); }
        if (AssignedClientIdentifier is not null) { w.WriteByte((byte)PropertyId.AssignedClientIdentifier); w.WriteString(AssignedClientIdentifier); }
        if (ServerKeepAlive is { } ska) { w.WriteByte((byte)PropertyId.ServerKeepAlive); w.WriteUInt16(ska); }
        if (AuthenticationMethod is not null) { w.WriteByte((byte)PropertyId.AuthenticationMethod); w.WriteString(AuthenticationMethod); }
        if (AuthenticationData is not null) { w.WriteByte((byte)PropertyId.AuthenticationData); w.WriteBinary(AuthenticationData); }
        if (RequestProblemInformation is { } rpi) { w.WriteByte((byte)PropertyId.RequestProblemInformation); w.WriteByte(rpi); }
        if (WillDelayInterval is { } wdi) { w.WriteByte((byte)PropertyId.WillDelayInterval); w.WriteUInt32(wdi); }
        if (RequestResponseInformation is { } rri) { w.WriteByte((byte)PropertyId.RequestResponseInformation); w.WriteByte(rri); }
        if (ResponseInformation is not null) { w.WriteByte((byte)PropertyId.ResponseInformation); w.WriteString(ResponseInformation); }
        if (ServerReference is not null) { w.WriteByte((byte)PropertyId.ServerReference); w.WriteString(ServerReference); }
        if (ReasonString is not null) { w.WriteByte((byte)PropertyId.ReasonString); w.WriteString(ReasonString); }
        if (ReceiveMaximum is { } rm) { w.WriteByte((byte)PropertyId.ReceiveMaximum); w.WriteUInt16(rm); }
        if (TopicAliasMaximum is { } tam) { w.WriteByte((byte)PropertyId.TopicAliasMaximum); w.WriteUInt16(tam); }
        if (TopicAlias is { } ta) { w.WriteByte((byte)PropertyId.TopicAlias); w.WriteUInt16(ta); }
        if (MaximumQoS is { } mq) { w.WriteByte((byte)PropertyId.MaximumQoS); w.WriteByte(mq); }
        if (RetainAvailable is { } ra) { w.WriteByte((byte)PropertyId.RetainAvailable); w.WriteByte(ra); }
        if (UserProperties is not null)
            foreach (var p in UserProperties) { w.WriteByte((byte)PropertyId.UserProperty); w.WriteString(p.Name); w.WriteString(p.Value); }
        if (MaximumPacketSize is { } mps) { w.WriteByte((byte)PropertyId.MaximumPacketSize); w.WriteUInt32(mps); }
        if (WildcardSubscriptionAvailable is { } wsa) { w.WriteByte((byte)PropertyId.WildcardSubscriptionAvailable); w.WriteByte(wsa); }
        if (SubscriptionIdentifierAvailable is { } sia) { w.WriteByte((byte)PropertyId.SubscriptionIdentifierAvailable); w.WriteByte(sia); }
        if (SharedSubscriptionAvailable is { } ssa) { w.WriteByte((byte)PropertyId.SharedSubscriptionAvailable); w.WriteByte(ssa); }
    }

    /// <summary>Reads a property block; <paramref name="allowed"/> is a mask from <see cref="AllowedProperties"/>.</summary>
    public static MqttProperties Read(ref MqttWireReader reader, ulong allowed)
    {
        var r = reader.ReadPropertiesBlock();
        var p = new MqttProperties();
        ulong seen = 0;
        while (!r.End)
        {
            // §2.2.2.2: the identifier is a Variable Byte Integer; every defined one fits in one byte.
            var raw = r.ReadVariableByteInteger();
            if (raw > 0x3F || (allowed & (1UL << raw)) == 0)
                throw new MqttProtocolException($"Malformed packet: property 0x{raw:X2} is not allowed here (§2.2.2.2)");
            var id = (PropertyId)raw;
            if (id is not (PropertyId.UserProperty or PropertyId.SubscriptionIdentifier))
            {
                if ((seen & (1UL << raw)) != 0) throw new MqttProtocolException($"Protocol error: property {id} appears twice (§2.2.2.2)");
                seen |= 1UL << raw;
            }
            switch (id)
            {
                case PropertyId.PayloadFormatIndicator: p.PayloadFormatIndicator = Flag(ref r, id); break;
                case PropertyId.MessageExpiryInterval: p.MessageExpiryInterval = r.ReadUInt32(); break;
                case PropertyId.ContentType: p.ContentType = r.ReadString(); break;
                case PropertyId.ResponseTopic: p.ResponseTopic = r.ReadString(); break;
                case PropertyId.CorrelationData: p.CorrelationData = r.ReadBinary(); break;
                case PropertyId.SubscriptionIdentifier:
                    var sid = r.ReadVariableByteInteger();
                    if (sid == 0) throw new MqttProtocolException("Protocol error: Subscription Identifier 0 (§3.3.2.3.8)");
                    (p.SubscriptionIdentifiers ??= []).Add(sid);
                    break;
                case PropertyId.SessionExpiryInterval: p.SessionExpiryInterval = r.ReadUInt32(); break;
                case PropertyId.AssignedClientIdentifier: p.AssignedClientIdentifier = r.ReadString(); break;
                case PropertyId.ServerKeepAlive: p.ServerKeepAlive = r.ReadUInt16(); break;
                case PropertyId.AuthenticationMethod: p.AuthenticationMethod = r.ReadString(); break;
                case PropertyId.AuthenticationData: p.AuthenticationData = r.ReadBinary(); break;
                case PropertyId.RequestProblemInformation: p.RequestProblemInformation = Flag(ref r, id); break;
                case PropertyId.WillDelayInterval: p.WillDelayInterval = r.ReadUInt32(); break;
                case PropertyId.RequestResponseInformation: p.RequestResponseInformation = Flag(ref r, id); break;
                case PropertyId.ResponseInformation: p.ResponseInformation = r.ReadString(); break;
                case PropertyId.ServerReference: p.ServerReference = r.ReadString(); break;
                case PropertyId.ReasonString: p.ReasonString = r.ReadString(); break;
                case PropertyId.ReceiveMaximum:
                    p.ReceiveMaximum = r.ReadUInt16();
                    if (p.ReceiveMaximum == 0) throw new MqttProtocolException("Protocol error: Receive Maximum 0 (§3.2.2.3.3)");
                    break;
                case PropertyId.TopicAliasMaximum: p.TopicAliasMaximum = r.ReadUInt16(); break;
                case PropertyId.TopicAlias: p.TopicAlias = r.ReadUInt16(); break;
                case PropertyId.MaximumQoS: p.MaximumQoS = Flag(ref r, id); break;
                case PropertyId.RetainAvailable: p.RetainAvailable = Flag(ref r, id); break;
                case PropertyId.UserProperty:
                    var name = r.ReadString();
                    (p.UserProperties ??= []).Add(new MqttUserProperty(name, r.ReadString()));
                    break;
                case PropertyId.MaximumPacketSize:
                    p.MaximumPacketSize = r.ReadUInt32();
                    if (p.MaximumPacketSize == 0) throw new MqttProtocolException("Protocol error: Maximum Packet Size 0 (§3.2.2.3.6)");
                    break;
                case PropertyId.WildcardSubscriptionAvailable: p.WildcardSubscriptionAvailable = Flag(ref r, id); break;
                case PropertyId.SubscriptionIdentifierAvailable: p.SubscriptionIdentifierAvailable = Flag(ref r, id); break;
                case PropertyId.SharedSubscriptionAvailable: p.SharedSubscriptionAvailable = Flag(ref r, id); break;
                default: throw new MqttProtocolException($"Malformed packet: unknown property 0x{raw:X2}");
            }
        }
        return p;
    }

    /// <summary>The Byte properties that are flags may only be 0 or 1 (Maximum QoS too: §3.2.2.3.4).</summary>
    private static byte Flag(ref MqttWireReader r, PropertyId id)
    {
        var b = r.ReadByte();
        if (b > 1) throw new MqttProtocolException($"Protocol error: property {id} has value {b}, only 0 or 1 are allowed");
        return b;
    }
}
