using System.Buffers;
using EdgeLab.Mqtt;
using EdgeLab.Mqtt.Packets;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The MQTT 5.0 packet decoder (common/EdgeLab.Mqtt/Packets): the input is a receive buffer, cut into packets by
/// <see cref="PacketFramer"/> and each decoded by <see cref="PacketDecoder"/>; every packet that decodes must encode
/// and decode again. Both promise <see cref="MqttProtocolException"/> and nothing else for bad bytes.
/// </summary>
internal sealed class MqttPacketTarget : IFuzzTarget
{
    private const uint MaximumPacketSize = 1 << 20;

    public string Name => "mqtt-packets";

    public string Description => "MQTT 5.0 packets (Packets/PacketFramer + PacketDecoder, re-encoded); bad input: MqttProtocolException";

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files)
    {
        var user = new List<MqttUserProperty> { new("edgelab-message-id", "gw-01:42") };
        IMqttPacket[] packets =
        [
            new ConnectPacket
            {
                ClientId = "gw-01", CleanStart = false, KeepAliveSeconds = 30, UserName = "gw-01", Password = "secret"u8.ToArray(),
                Properties = new MqttProperties { SessionExpiryInterval = 3600, ReceiveMaximum = 20, MaximumPacketSize = 1 << 20 },
                WillTopic = "edgelab/v1/gw/gw-01/status", WillPayload = "{\"online\":false}"u8.ToArray(), WillQoS = MqttQualityOfService.AtLeastOnce,
            },
            new ConnAckPacket
            {
                SessionPresent = true,
                Properties = new MqttProperties { ReceiveMaximum = 20, TopicAliasMaximum = 10, AssignedClientIdentifier = "auto-1", MaximumQoS = 1 },
            },
            new PublishPacket
            {
                Topic = "edgelab/v1/gw/gw-01/results", QoS = MqttQualityOfService.AtLeastOnce, PacketId = 7,
                Payload = "{\"schema\":\"edgelab.result/1\"}"u8.ToArray(),
                Properties = new MqttProperties { PayloadFormatIndicator = 1, ContentType = "application/json", UserProperties = user, MessageExpiryInterval = 60 },
            },
            new PublishPacket { Topic = "a/b", Payload = "x"u8.ToArray(), Retain = true, Properties = new MqttProperties { TopicAlias = 3 } },
            new PubAckPacket { PacketId = 7, ReasonCode = MqttPubAckReasonCode.NotAuthorized, Properties = new MqttProperties { ReasonString = "denied" } },
            new SubscribePacket
            {
                PacketId = 1,
                Subscriptions = [new MqttSubscription { TopicFilter = "$share/hub/edgelab/v1/gw/+/results" }, new MqttSubscription { TopicFilter = "x/#", NoLocal = true }],
                Properties = new MqttProperties { SubscriptionIdentifiers = [5] },
            },
            new SubAckPacket { PacketId = 1, ReasonCodes = [MqttSubAckReasonCode.GrantedQoS1, (MqttSubAckReasonCode)0x87] },
            new UnsubscribePacket { PacketId = 2, TopicFilters = ["x/#"] },
            new DisconnectPacket { ReasonCode = (MqttDisconnectReasonCode)0x8E, Properties = new MqttProperties { ServerReference = "other" } },
            PingRespPacket.Instance,
        ];
        foreach (var packet in packets)
        {
            var output = new ArrayBufferWriter<byte>();
            PacketEncoder.Write(output, packet);
            yield return ($"{packet.Type}.mqtt".ToLowerInvariant(), output.WrittenSpan.ToArray());
        }
    }

    public void Run(ReadOnlySpan<byte> input)
    {
        var buffer = SequenceSegments.Split(input.ToArray(), 1 + input.Length % 7);
        try
        {
            while (PacketFramer.TryReadPacket(ref buffer, MaximumPacketSize, out var header, out var body))
            {
                var packet = PacketDecoder.Decode(header, body.ToArray());
                var output = new ArrayBufferWriter<byte>();
                PacketEncoder.Write(output, packet);
                var again = new ReadOnlySequence<byte>(output.WrittenMemory);
                if (!PacketFramer.TryReadPacket(ref again, uint.MaxValue, out var header2, out var body2) || !again.IsEmpty)
                    throw new FuzzInvariantException($"re-encoded {packet.Type} is not one whole packet");
                try { PacketDecoder.Decode(header2, body2.ToArray()); }
                catch (MqttProtocolException e) { throw new FuzzInvariantException($"re-encoded {packet.Type} does not decode: {e.Message}"); }
            }
        }
        catch (MqttProtocolException) { }
    }
}
