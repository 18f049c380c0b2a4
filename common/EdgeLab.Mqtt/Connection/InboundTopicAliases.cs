namespace EdgeLab.Mqtt.Connection;

/// <summary>
/// Topic aliases the server set on this connection (§3.3.2.3.4). We accept aliases 1..TopicAliasMaximum that we
/// announced in CONNECT; with 0 the server must send none [MQTT-3.1.2-27] and any is a Protocol Error (0x94).
/// One map per Network Connection: mappings are never carried to the next one [MQTT-3.3.2-7].
/// </summary>
internal sealed class InboundTopicAliases(ushort maximum)
{
    private readonly string?[] _topics = new string?[maximum + 1];

    /// <summary>Returns the topic to deliver under, learning or using the alias.</summary>
    public string Resolve(string topic, ushort? alias)
    {
        if (alias is not { } a) return topic.Length > 0
            ? topic
            : throw new MqttProtocolException("Protocol error: empty Topic Name without Topic Alias (§3.3.2.3.4)", MqttDisconnectReasonCode.TopicNameInvalid);
        if (a == 0 || a > maximum)
            throw new MqttProtocolException($"Protocol error: Topic Alias {a} outside 1..{maximum} [MQTT-3.1.2-26] [MQTT-3.1.2-27]",
                MqttDisconnectReasonCode.TopicAliasInvalid);
        if (topic.Length > 0)
        {
            _topics[a] = topic;
            return topic;
        }
        return _topics[a] ?? throw new MqttProtocolException($"Protocol error: Topic Alias {a} was never set on this connection (§3.3.2.3.4)",
            MqttDisconnectReasonCode.TopicAliasInvalid);
    }
}
