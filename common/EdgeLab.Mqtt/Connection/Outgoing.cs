using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Session;

namespace EdgeLab.Mqtt.Connection;

/// <summary>One item for the writer loop: what to encode, without a packet object per message.</summary>
internal readonly struct Outgoing
{
    public enum Kinds : byte
    {
        Wake,
        Publish,
        PublishAtMostOnce,
        PubAck,
        PingReq,
        Packet,
        Disconnect,
    }

    public Kinds Kind { get; private init; }
    public object? Item { get; private init; }
    public ushort PacketId { get; private init; }
    public byte ReasonCode { get; private init; }
    public bool Dup { get; private init; }
    public TaskCompletionSource? Written { get; private init; }

    public static Outgoing Wake => default;

    public static Outgoing ForPublish(InFlightPublish entry, bool dup) => new() { Kind = Kinds.Publish, Item = entry, Dup = dup };

    public static Outgoing ForPublish(MqttApplicationMessage message) => new() { Kind = Kinds.PublishAtMostOnce, Item = message };

    public static Outgoing ForPubAck(ushort packetId, MqttPubAckReasonCode reason) =>
        new() { Kind = Kinds.PubAck, PacketId = packetId, ReasonCode = (byte)reason };

    public static Outgoing PingReq => new() { Kind = Kinds.PingReq };

    public static Outgoing ForPacket(IMqttPacket packet) => new() { Kind = Kinds.Packet, Item = packet };

    public static Outgoing ForDisconnect(DisconnectPacket packet, TaskCompletionSource written) =>
        new() { Kind = Kinds.Disconnect, Item = packet, Written = written };
}
