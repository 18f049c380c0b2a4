namespace EdgeLab.Mqtt;

public enum MqttQualityOfService : byte
{
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

public readonly record struct MqttUserProperty(string Name, string Value);

/// <summary>An application message to publish (MQTT 5.0 §3.3).</summary>
public sealed class MqttApplicationMessage
{
    public required string Topic { get; init; }
    public ReadOnlyMemory<byte> Payload { get; init; }
    public MqttQualityOfService QualityOfService { get; init; } = MqttQualityOfService.AtLeastOnce;
    public bool Retain { get; init; }
    public uint? MessageExpirySeconds { get; init; }
    public string? ContentType { get; init; }
    public string? ResponseTopic { get; init; }
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];
}

/// <summary>An application message received from the server.</summary>
public sealed class MqttReceivedMessage
{
    public required string Topic { get; init; }
    public ReadOnlyMemory<byte> Payload { get; init; }
    public MqttQualityOfService QualityOfService { get; init; }
    public bool Retain { get; init; }
    public bool Duplicate { get; init; }
    public uint? MessageExpirySeconds { get; init; }
    public string? ContentType { get; init; }
    public string? ResponseTopic { get; init; }
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];

    public string? GetUserProperty(string name)
    {
        foreach (var p in UserProperties)
            if (p.Name == name) return p.Value;
        return null;
    }
}

public enum MqttRetainHandling : byte
{
    SendAtSubscribe = 0,
    SendAtSubscribeIfNew = 1,
    DoNotSend = 2,
}

/// <summary>A subscription with its options (§3.8.3.1).</summary>
public sealed class MqttSubscription
{
    public required string TopicFilter { get; init; }
    public MqttQualityOfService MaximumQualityOfService { get; init; } = MqttQualityOfService.AtLeastOnce;
    /// <summary>Must be false on a <c>$share/</c> filter [MQTT-3.8.3-4].</summary>
    public bool NoLocal { get; init; }
    public bool RetainAsPublished { get; init; }
    public MqttRetainHandling RetainHandling { get; init; } = MqttRetainHandling.SendAtSubscribe;
}
