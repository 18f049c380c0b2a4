using EdgeLab.Mqtt.Packets;

namespace EdgeLab.Mqtt.Tests.Codec;

/// <summary>Random, valid packets of every type the codec knows, from a seed (FsCheck supplies the seeds).</summary>
internal static class RandomPackets
{
    private static readonly string[] Alphabet = ["a", "b", "/", "é", "水", "😀", "x", " ", "-", "$", "\u00A0", "\uFEFF"];

    public static string Text(Random r, int max = 20)
    {
        var n = r.Next(0, max);
        var parts = new string[n];
        for (var i = 0; i < n; i++) parts[i] = Alphabet[r.Next(Alphabet.Length)];
        return string.Concat(parts);
    }

    public static string Topic(Random r) => "t" + Text(r).Replace("+", "").Replace("#", "");

    public static byte[] Bytes(Random r, int max = 64)
    {
        var b = new byte[r.Next(0, max)];
        r.NextBytes(b);
        return b;
    }

    private static T? Maybe<T>(Random r, Func<T> value) where T : struct => r.Next(2) == 0 ? null : value();

    private static T? MaybeRef<T>(Random r, Func<T> value) where T : class => r.Next(2) == 0 ? null : value();

    public static List<MqttUserProperty>? UserProperties(Random r) =>
        r.Next(3) == 0 ? null : Enumerable.Range(0, r.Next(1, 4)).Select(_ => new MqttUserProperty(Text(r), Text(r))).ToList();

    public static MqttProperties Properties(Random r, ulong allowed)
    {
        var p = new MqttProperties();
        bool Has(PropertyId id) => (allowed & (1UL << (int)id)) != 0 && r.Next(2) == 0;
        if (Has(PropertyId.PayloadFormatIndicator)) p.PayloadFormatIndicator = (byte)r.Next(2);
        if (Has(PropertyId.MessageExpiryInterval)) p.MessageExpiryInterval = (uint)r.NextInt64(0, uint.MaxValue);
        if (Has(PropertyId.ContentType)) p.ContentType = Text(r);
        if (Has(PropertyId.ResponseTopic)) p.ResponseTopic = Topic(r);
        if (Has(PropertyId.CorrelationData)) p.CorrelationData = Bytes(r);
        if (Has(PropertyId.SubscriptionIdentifier)) p.SubscriptionIdentifiers = [r.Next(1, VariableByteInteger.MaxValue)];
        if (Has(PropertyId.SessionExpiryInterval)) p.SessionExpiryInterval = (uint)r.NextInt64(0, uint.MaxValue);
        if (Has(PropertyId.AssignedClientIdentifier)) p.AssignedClientIdentifier = Text(r);
        if (Has(PropertyId.ServerKeepAlive)) p.ServerKeepAlive = (ushort)r.Next(ushort.MaxValue);
        if (Has(PropertyId.AuthenticationMethod)) p.AuthenticationMethod = Text(r);
        if (Has(PropertyId.AuthenticationData)) p.AuthenticationData = Bytes(r);
        if (Has(PropertyId.RequestProblemInformation)) p.RequestProblemInformation = (byte)r.Next(2);
        if (Has(PropertyId.WillDelayInterval)) p.WillDelayInterval = (uint)r.NextInt64(0, uint.MaxValue);
        if (Has(PropertyId.RequestResponseInformation)) p.RequestResponseInformation = (byte)r.Next(2);
        if (Has(PropertyId.ResponseInformation)) p.ResponseInformation = Text(r);
        if (Has(PropertyId.ServerReference)) p.ServerReference = Text(r);
        if (Has(PropertyId.ReasonString)) p.ReasonString = Text(r);
        if (Has(PropertyId.ReceiveMaximum)) p.ReceiveMaximum = (ushort)r.Next(1, ushort.MaxValue);
        if (Has(PropertyId.TopicAliasMaximum)) p.TopicAliasMaximum = (ushort)r.Next(ushort.MaxValue);
        if (Has(PropertyId.TopicAlias)) p.TopicAlias = (ushort)r.Next(1, ushort.MaxValue);
        if (Has(PropertyId.MaximumQoS)) p.MaximumQoS = (byte)r.Next(2);
        if (Has(PropertyId.RetainAvailable)) p.RetainAvailable = (byte)r.Next(2);
        if ((allowed & (1UL << (int)PropertyId.UserProperty)) != 0) p.UserProperties = UserProperties(r);
        if (Has(PropertyId.MaximumPacketSize)) p.MaximumPacketSize = (uint)r.NextInt64(1, uint.MaxValue);
        if (Has(PropertyId.WildcardSubscriptionAvailable)) p.WildcardSubscriptionAvailable = (byte)r.Next(2);
        if (Has(PropertyId.SubscriptionIdentifierAvailable)) p.SubscriptionIdentifierAvailable = (byte)r.Next(2);
        if (Has(PropertyId.SharedSubscriptionAvailable)) p.SharedSubscriptionAvailable = (byte)r.Next(2);
        return p;
    }

    private static ushort Id(Random r) => (ushort)r.Next(1, ushort.MaxValue + 1);

    public static IMqttPacket Any(Random r) => r.Next(11) switch
    {
        0 => Connect(r),
        1 => new ConnAckPacket
        {
            SessionPresent = r.Next(2) == 0,
            ReasonCode = MqttConnectReasonCode.Success,
            Properties = Properties(r, AllowedProperties.ConnAck),
        },
        2 => Publish(r),
        3 => new PubAckPacket
        {
            PacketId = Id(r),
            ReasonCode = r.Next(2) == 0 ? MqttPubAckReasonCode.Success : MqttPubAckReasonCode.NotAuthorized,
            Properties = Properties(r, AllowedProperties.Ack),
        },
        4 => new SubscribePacket
        {
            PacketId = Id(r),
            Properties = Properties(r, AllowedProperties.Subscribe),
            Subscriptions = Enumerable.Range(0, r.Next(1, 4)).Select(_ => new MqttSubscription
            {
                TopicFilter = Topic(r),
                MaximumQualityOfService = (MqttQualityOfService)r.Next(3),
                NoLocal = r.Next(2) == 0,
                RetainAsPublished = r.Next(2) == 0,
                RetainHandling = (MqttRetainHandling)r.Next(3),
            }).ToList(),
        },
        5 => new SubAckPacket
        {
            PacketId = Id(r),
            Properties = Properties(r, AllowedProperties.Ack),
            ReasonCodes = Enumerable.Range(0, r.Next(1, 4)).Select(_ => (MqttSubAckReasonCode)r.Next(3)).ToList(),
        },
        6 => new UnsubscribePacket
        {
            PacketId = Id(r),
            Properties = Properties(r, AllowedProperties.Unsubscribe),
            TopicFilters = Enumerable.Range(0, r.Next(1, 4)).Select(_ => Topic(r)).ToList(),
        },
        7 => new UnsubAckPacket { PacketId = Id(r), Properties = Properties(r, AllowedProperties.Ack), ReasonCodes = [0x00, 0x11] },
        8 => PingReqPacket.Instance,
        9 => PingRespPacket.Instance,
        _ => new DisconnectPacket
        {
            ReasonCode = r.Next(2) == 0 ? MqttDisconnectReasonCode.NormalDisconnection : MqttDisconnectReasonCode.DisconnectWithWillMessage,
            Properties = Properties(r, AllowedProperties.Disconnect),
        },
    };

    public static ConnectPacket Connect(Random r)
    {
        var p = new ConnectPacket
        {
            ClientId = Text(r),
            CleanStart = r.Next(2) == 0,
            KeepAliveSeconds = (ushort)r.Next(ushort.MaxValue),
            Properties = Properties(r, AllowedProperties.Connect),
            UserName = MaybeRef(r, () => Text(r)),
            Password = MaybeRef(r, () => Bytes(r)),
        };
        if (r.Next(2) == 0)
        {
            p.WillTopic = Topic(r);
            p.WillPayload = Bytes(r);
            p.WillQoS = (MqttQualityOfService)r.Next(3);
            p.WillRetain = r.Next(2) == 0;
            p.WillProperties = Properties(r, AllowedProperties.Will);
        }
        return p;
    }

    public static PublishPacket Publish(Random r)
    {
        var qos = (MqttQualityOfService)r.Next(3);
        return new PublishPacket
        {
            Topic = Topic(r),
            QoS = qos,
            Retain = r.Next(2) == 0,
            Dup = qos > 0 && r.Next(2) == 0,
            PacketId = qos > 0 ? Id(r) : (ushort)0,
            Payload = Bytes(r, 300),
            Properties = Properties(r, AllowedProperties.Publish),
        };
    }

    public static MqttApplicationMessage Message(Random r) => new()
    {
        Topic = Topic(r),
        Payload = Bytes(r, 300),
        QualityOfService = (MqttQualityOfService)r.Next(2),
        Retain = r.Next(2) == 0,
        MessageExpirySeconds = Maybe(r, () => (uint)r.Next()),
        ContentType = MaybeRef(r, () => Text(r)),
        ResponseTopic = MaybeRef(r, () => Topic(r)),
        CorrelationData = r.Next(2) == 0 ? null : Bytes(r),
        UserProperties = UserProperties(r) ?? [],
    };
}
