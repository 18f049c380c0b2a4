namespace EdgeLab.Mqtt.Packets;

/// <summary>Property identifiers (§2.2.2.2, Table 2-4).</summary>
internal enum PropertyId : byte
{
    PayloadFormatIndicator = 0x01,
    MessageExpiryInterval = 0x02,
    ContentType = 0x03,
    ResponseTopic = 0x08,
    CorrelationData = 0x09,
    SubscriptionIdentifier = 0x0B,
    SessionExpiryInterval = 0x11,
    AssignedClientIdentifier = 0x12,
    ServerKeepAlive = 0x13,
    AuthenticationMethod = 0x15,
    AuthenticationData = 0x16,
    RequestProblemInformation = 0x17,
    WillDelayInterval = 0x18,
    RequestResponseInformation = 0x19,
    ResponseInformation = 0x1A,
    ServerReference = 0x1C,
    ReasonString = 0x1F,
    ReceiveMaximum = 0x21,
    TopicAliasMaximum = 0x22,
    TopicAlias = 0x23,
    MaximumQoS = 0x24,
    RetainAvailable = 0x25,
    UserProperty = 0x26,
    MaximumPacketSize = 0x27,
    WildcardSubscriptionAvailable = 0x28,
    SubscriptionIdentifierAvailable = 0x29,
    SharedSubscriptionAvailable = 0x2A,
}

/// <summary>Which properties each packet may carry (§2.2.2.2, Table 2-4), as bit masks over <see cref="PropertyId"/>.</summary>
internal static class AllowedProperties
{
    private static ulong Of(params PropertyId[] ids)
    {
        ulong m = 0;
        foreach (var id in ids) m |= 1UL << (int)id;
        return m;
    }

    public static readonly ulong Connect = Of(PropertyId.SessionExpiryInterval, PropertyId.AuthenticationMethod, PropertyId.AuthenticationData,
        PropertyId.RequestProblemInformation, PropertyId.RequestResponseInformation, PropertyId.ReceiveMaximum, PropertyId.TopicAliasMaximum,
        PropertyId.UserProperty, PropertyId.MaximumPacketSize);

    public static readonly ulong Will = Of(PropertyId.PayloadFormatIndicator, PropertyId.MessageExpiryInterval, PropertyId.ContentType,
        PropertyId.ResponseTopic, PropertyId.CorrelationData, PropertyId.WillDelayInterval, PropertyId.UserProperty);

    public static readonly ulong ConnAck = Of(PropertyId.SessionExpiryInterval, PropertyId.AssignedClientIdentifier, PropertyId.ServerKeepAlive,
        PropertyId.AuthenticationMethod, PropertyId.AuthenticationData, PropertyId.ResponseInformation, PropertyId.ServerReference,
        PropertyId.ReasonString, PropertyId.ReceiveMaximum, PropertyId.TopicAliasMaximum, PropertyId.MaximumQoS, PropertyId.RetainAvailable,
        PropertyId.UserProperty, PropertyId.MaximumPacketSize, PropertyId.WildcardSubscriptionAvailable,
        PropertyId.SubscriptionIdentifierAvailable, PropertyId.SharedSubscriptionAvailable);

    public static readonly ulong Publish = Of(PropertyId.PayloadFormatIndicator, PropertyId.MessageExpiryInterval, PropertyId.ContentType,
        PropertyId.ResponseTopic, PropertyId.CorrelationData, PropertyId.SubscriptionIdentifier, PropertyId.TopicAlias, PropertyId.UserProperty);

    public static readonly ulong Ack = Of(PropertyId.ReasonString, PropertyId.UserProperty);

    public static readonly ulong Subscribe = Of(PropertyId.SubscriptionIdentifier, PropertyId.UserProperty);

    public static readonly ulong Unsubscribe = Of(PropertyId.UserProperty);

    public static readonly ulong Disconnect = Of(PropertyId.SessionExpiryInterval, PropertyId.ServerReference, PropertyId.ReasonString,
        PropertyId.UserProperty);
}
