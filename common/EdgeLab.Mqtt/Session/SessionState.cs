namespace EdgeLab.Mqtt.Session;

/// <summary>
/// The client side of the Session State (§4.1): QoS 1 messages sent but not yet acknowledged, the Packet
/// Identifiers they hold, and the send quota. It outlives connections and learns about them through two calls,
/// as paho.golang's session/state does: <see cref="ConnAckReceived"/> and <see cref="ConnectionLost"/>.
/// SUBSCRIBE/UNSUBSCRIBE waiting for their acks also hold ids here, but only for one connection.
/// </summary>
internal sealed class SessionState
{
    /// <summary>Receive Maximum when the CONNACK has none (§3.2.2.3.3).</summary>
    public const int DefaultReceiveMaximum = 65_535;

    private static readonly MqttPublishResult?[] CachedResults = CreateCachedResults();

    private readonly object _gate = new();
    private readonly PacketIdAllocator _ids = new();
    private readonly Dictionary<ushort, InFlightPublish> _publishes = [];
    private readonly Dictionary<ushort, TaskCompletionSource<object>> _requests = [];
    private long _sequence;

    public SendQuota Quota { get; } = new(DefaultReceiveMaximum);

    public int InFlightCount
    {
        get { lock (_gate) return _publishes.Count; }
    }

    /// <summary>Assigns a fresh Packet Identifier [MQTT-2.2.1-3] to a QoS 1 message; the caller holds a quota slot.</summary>
    public InFlightPublish BeginPublish(MqttApplicationMessage message)
    {
        lock (_gate)
        {
            if (!_ids.TryAllocate(out var id)) throw new InvalidOperationException("All 65,535 packet identifiers are in flight");
            var entry = new InFlightPublish(message, id, ++_sequence);
            _publishes.Add(id, entry);
            return entry;
        }
    }

    /// <summary>
    /// PUBACK received. The id is free again [MQTT-2.2.1-4] and so is the quota slot, whatever the reason code
    /// [MQTT-4.9.0-2]. Returns false for an id we do not have in flight.
    /// </summary>
    public bool CompletePublish(ushort packetId, MqttPubAckReasonCode reason, string? reasonString)
    {
        InFlightPublish? entry;
        lock (_gate)
        {
            if (!_publishes.Remove(packetId, out entry)) return false;
            _ids.Release(packetId);
        }
        Quota.Release();
        entry.TrySetResult(reasonString is null && (byte)reason < CachedResults.Length && CachedResults[(byte)reason] is { } cached
            ? cached
            : new MqttPublishResult(reason, reasonString));
        return true;
    }

    /// <summary>Reserves an id for a SUBSCRIBE or UNSUBSCRIBE and returns the completion its ack fulfils.</summary>
    public (ushort PacketId, TaskCompletionSource<object> Ack) BeginRequest()
    {
        lock (_gate)
        {
            if (!_ids.TryAllocate(out var id)) throw new InvalidOperationException("All 65,535 packet identifiers are in flight");
            var tcs = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            _requests.Add(id, tcs);
            return (id, tcs);
        }
    }

    /// <summary>Gives back the id of a request that never went out.</summary>
    public void CancelRequest(ushort packetId)
    {
        lock (_gate)
        {
            if (_requests.Remove(packetId)) _ids.Release(packetId);
        }
    }

    public bool CompleteRequest(ushort packetId, object ack)
    {
        TaskCompletionSource<object>? tcs;
        lock (_gate)
        {
            if (!_requests.Remove(packetId, out tcs)) return false;
            _ids.Release(packetId);
        }
        tcs.TrySetResult(ack);
        return true;
    }

    /// <summary>
    /// A successful CONNACK arrived. With Session Present=1 the server kept our session: every unacknowledged
    /// PUBLISH is returned, in original order, to be resent with the same id [MQTT-4.4.0-1] [MQTT-4.6.0-1].
    /// With Session Present=0 the server has none, so we discard ours [MQTT-3.2.2-5]: those publishes fail
    /// with <see cref="MqttSessionLostException"/> for the application to publish again as new messages.
    /// </summary>
    public IReadOnlyList<InFlightPublish> ConnAckReceived(bool sessionPresent, ushort? receiveMaximum)
    {
        List<InFlightPublish> entries;
        lock (_gate)
        {
            entries = [.. _publishes.Values];
            if (!sessionPresent)
            {
                foreach (var e in entries) _ids.Release(e.PacketId);
                _publishes.Clear();
            }
        }
        Quota.SetLimit(receiveMaximum ?? DefaultReceiveMaximum);
        if (!sessionPresent)
        {
            Quota.Release(entries.Count);
            var lost = new MqttSessionLostException();
            foreach (var e in entries) e.TrySetException(lost);
            return [];
        }
        entries.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return entries;
    }

    /// <summary>
    /// The connection ended. In-flight publishes stay (they are resent if the session survives); pending
    /// SUBSCRIBE/UNSUBSCRIBE fail, since only PUBLISH and PUBREL are resent on a new connection [MQTT-4.4.0-1].
    /// </summary>
    public void ConnectionLost(Exception reason)
    {
        List<TaskCompletionSource<object>> requests;
        lock (_gate)
        {
            requests = [.. _requests.Values];
            foreach (var id in _requests.Keys) _ids.Release(id);
            _requests.Clear();
        }
        foreach (var r in requests) r.TrySetException(reason);
    }

    /// <summary>The client stopped for good: everything still waiting fails with <paramref name="reason"/>.</summary>
    public void Stop(Exception reason)
    {
        ConnectionLost(reason);
        List<InFlightPublish> entries;
        lock (_gate)
        {
            entries = [.. _publishes.Values];
            foreach (var e in entries) _ids.Release(e.PacketId);
            _publishes.Clear();
        }
        Quota.FailWaiters(reason);
        Quota.Release(entries.Count);
        foreach (var e in entries) e.TrySetException(reason);
    }

    public bool IsPacketIdInUse(ushort id)
    {
        lock (_gate) return _ids.IsInUse(id);
    }

    private static MqttPublishResult?[] CreateCachedResults()
    {
        var results = new MqttPublishResult?[256];
        foreach (var code in Enum.GetValues<MqttPubAckReasonCode>()) results[(byte)code] = new MqttPublishResult(code);
        return results;
    }
}
