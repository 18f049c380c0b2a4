using EdgeLab.Mqtt.Connection;
using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Session;

namespace EdgeLab.Mqtt;

/// <summary>PUBLISH, SUBSCRIBE, UNSUBSCRIBE on top of whatever connection is open; they wait while there is none.</summary>
public sealed partial class MqttClient
{
    private static readonly MqttPublishResult AtMostOnceResult = new(MqttPubAckReasonCode.Success);

    public Task<MqttPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ValidateTopicName(message.Topic);
        if (message.QualityOfService == MqttQualityOfService.ExactlyOnce)
            throw new NotSupportedException("QoS 2 is not implemented by this client; EdgeLab uses QoS 1 with end-to-end acknowledgement");
        // The hot path: connected and a quota slot free — no await, no allocation but the in-flight entry (which is the task).
        var ready = _ready.Task;
        if (message.QualityOfService == MqttQualityOfService.AtLeastOnce && ready.IsCompletedSuccessfully && !cancellationToken.IsCancellationRequested)
        {
            var connection = ready.Result;
            CheckServerLimits(connection, message);
            var slot = _session.Quota.AcquireAsync(cancellationToken);
            if (slot.IsCompletedSuccessfully)
            {
                var entry = _session.BeginPublish(message);
                if (!connection.TryEnqueuePublish(entry, dup: false)) _ = RequeueAsync(entry, connection);
                return cancellationToken.CanBeCanceled ? entry.Task.WaitAsync(cancellationToken) : entry.Task;
            }
            return PublishAfterQuotaAsync(message, slot, cancellationToken);
        }
        return PublishSlowAsync(message, cancellationToken);
    }

    private async Task<MqttPublishResult> PublishSlowAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var connection = await NextConnectionAsync(null, cancellationToken).ConfigureAwait(false);
        CheckServerLimits(connection, message);
        if (message.QualityOfService == MqttQualityOfService.AtMostOnce)
        {
            while (!connection.TryEnqueuePublish(message)) connection = await NextConnectionAsync(connection, cancellationToken).ConfigureAwait(false);
            return AtMostOnceResult;
        }
        return await PublishAfterQuotaAsync(message, _session.Quota.AcquireAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<MqttPublishResult> PublishAfterQuotaAsync(MqttApplicationMessage message, ValueTask slot, CancellationToken cancellationToken)
    {
        // Never more unacknowledged QoS 1 PUBLISH packets than the server's Receive Maximum [MQTT-3.3.4-7].
        await slot.ConfigureAwait(false);
        InFlightPublish entry;
        try
        {
            entry = _session.BeginPublish(message);
        }
        catch
        {
            _session.Quota.Release();
            throw;
        }
        var connection = await NextConnectionAsync(null, CancellationToken.None).ConfigureAwait(false);
        if (!connection.TryEnqueuePublish(entry, dup: false)) _ = RequeueAsync(entry, connection);
        return await entry.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The connection closed between taking the slot and queueing. The entry is in the session, so the next CONNACK
    /// resends it (Session Present=1) or fails it (0); this queues it on the next connection unless that already happened.
    /// </summary>
    private async Task RequeueAsync(InFlightPublish entry, MqttConnection failed)
    {
        try
        {
            while (!entry.Task.IsCompleted)
            {
                var next = await NextConnectionAsync(failed, CancellationToken.None).ConfigureAwait(false);
                if (entry.Task.IsCompleted || next.TryEnqueuePublish(entry, dup: entry.Written)) return;
                failed = next;
            }
        }
        catch (MqttClientStoppedException)
        {
            // Stop failed the entry itself.
        }
    }

    public async Task<MqttSubscribeResult> SubscribeAsync(IReadOnlyList<MqttSubscription> subscriptions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        // At least one Topic Filter [MQTT-3.8.3-2].
        if (subscriptions.Count == 0) throw new ArgumentException("SUBSCRIBE needs at least one topic filter [MQTT-3.8.3-2]", nameof(subscriptions));
        foreach (var s in subscriptions)
        {
            ValidateTopicFilter(s.TopicFilter);
            if (s.NoLocal && SubscribePacket.IsShared(s.TopicFilter))
                throw new ArgumentException($"No Local on the shared subscription '{s.TopicFilter}' is a Protocol Error [MQTT-3.8.3-4]", nameof(subscriptions));
            if (s.MaximumQualityOfService == MqttQualityOfService.ExactlyOnce)
                throw new NotSupportedException("QoS 2 subscriptions are not implemented by this client");
        }
        var ack = await RequestAsync(id => new SubscribePacket { PacketId = id, Subscriptions = [.. subscriptions] }, cancellationToken).ConfigureAwait(false);
        var subAck = ack as SubAckPacket ?? throw new MqttProtocolException("Protocol error: UNSUBACK for a SUBSCRIBE", MqttDisconnectReasonCode.ProtocolError);
        // One Reason Code per Topic Filter [MQTT-3.8.4-6].
        if (subAck.ReasonCodes.Count != subscriptions.Count)
            throw new MqttProtocolException($"SUBACK has {subAck.ReasonCodes.Count} reason codes for {subscriptions.Count} filters [MQTT-3.8.4-6]");
        return new MqttSubscribeResult(subAck.ReasonCodes, subAck.Properties.ReasonString);
    }

    public async Task<MqttUnsubscribeResult> UnsubscribeAsync(IReadOnlyList<string> topicFilters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicFilters);
        if (topicFilters.Count == 0) throw new ArgumentException("UNSUBSCRIBE needs at least one topic filter [MQTT-3.10.3-2]", nameof(topicFilters));
        foreach (var f in topicFilters) ValidateTopicFilter(f);
        var ack = await RequestAsync(id => new UnsubscribePacket { PacketId = id, TopicFilters = [.. topicFilters] }, cancellationToken).ConfigureAwait(false);
        var unsubAck = ack as UnsubAckPacket ?? throw new MqttProtocolException("Protocol error: SUBACK for an UNSUBSCRIBE", MqttDisconnectReasonCode.ProtocolError);
        if (unsubAck.ReasonCodes.Count != topicFilters.Count)
            throw new MqttProtocolException($"UNSUBACK has {unsubAck.ReasonCodes.Count} reason codes for {topicFilters.Count} filters [MQTT-3.11.3-1]");
        return new MqttUnsubscribeResult(unsubAck.ReasonCodes, unsubAck.Properties.ReasonString);
    }

    /// <summary>Sends a SUBSCRIBE/UNSUBSCRIBE with a fresh id and waits for its ack on the same connection.</summary>
    private async Task<object> RequestAsync(Func<ushort, IMqttPacket> build, CancellationToken cancellationToken)
    {
        MqttConnection? failed = null;
        while (true)
        {
            var connection = await NextConnectionAsync(failed, cancellationToken).ConfigureAwait(false);
            var (id, ack) = _session.BeginRequest();
            if (connection.EnqueueControl(Outgoing.ForPacket(build(id))))
                return await ack.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            _session.CancelRequest(id);
            failed = connection;
        }
    }

    /// <summary>What the server said it accepts, in its CONNACK (§3.2.2.3).</summary>
    private static void CheckServerLimits(MqttConnection connection, MqttApplicationMessage message)
    {
        var p = connection.ConnAck!.Properties;
        if (p.MaximumQoS is { } maxQoS && (byte)message.QualityOfService > maxQoS)
            throw new NotSupportedException($"The server accepts at most QoS {maxQoS} [MQTT-3.2.2-11]");
        if (message.Retain && p.RetainAvailable == 0)
            throw new NotSupportedException("The server does not support retained messages [MQTT-3.2.2-14]");
        if (p.MaximumPacketSize is { } max && PublishPacket.GetSize(message) > max)
            throw new MqttPacketTooLargeException($"The PUBLISH would be larger than the server's Maximum Packet Size {max} [MQTT-3.2.2-15]");
    }

    private static void ValidateTopicName(string topic)
    {
        // A Topic Name is at least one character [MQTT-4.7.3-1] and has no wildcards [MQTT-3.3.2-2].
        if (string.IsNullOrEmpty(topic)) throw new ArgumentException("The topic name must not be empty [MQTT-4.7.3-1]", nameof(topic));
        if (topic.AsSpan().IndexOfAny('+', '#') >= 0) throw new ArgumentException($"The topic name '{topic}' contains a wildcard [MQTT-3.3.2-2]", nameof(topic));
    }

    private static void ValidateTopicFilter(string filter)
    {
        if (string.IsNullOrEmpty(filter)) throw new ArgumentException("A topic filter must not be empty [MQTT-4.7.3-1]", nameof(filter));
    }

    private ConnectPacket BuildConnect(bool cleanStart)
    {
        var o = _options;
        var connect = new ConnectPacket
        {
            ClientId = _clientId,
            CleanStart = cleanStart,
            KeepAliveSeconds = o.KeepAliveSeconds,
            UserName = o.UserName,
            Password = o.Password?.ToArray(),
        };
        var p = connect.Properties;
        // Absent properties take the spec's defaults, so only differences are sent (§3.1.2.11).
        if (o.SessionExpirySeconds != 0) p.SessionExpiryInterval = o.SessionExpirySeconds;
        if (o.ReceiveMaximum != ushort.MaxValue) p.ReceiveMaximum = o.ReceiveMaximum;
        p.MaximumPacketSize = o.MaximumPacketSize;
        if (o.TopicAliasMaximum != 0) p.TopicAliasMaximum = o.TopicAliasMaximum;
        if (o.UserProperties.Count > 0) p.UserProperties = [.. o.UserProperties];
        if (o.Will is { } will)
        {
            ValidateTopicName(will.Topic);
            connect.WillTopic = will.Topic;
            connect.WillPayload = will.Payload.ToArray();
            connect.WillQoS = will.QualityOfService;
            connect.WillRetain = will.Retain;
            var wp = connect.WillProperties;
            if (will.DelaySeconds != 0) wp.WillDelayInterval = will.DelaySeconds;
            wp.MessageExpiryInterval = will.MessageExpirySeconds;
            wp.ContentType = will.ContentType;
            if (will.UserProperties.Count > 0) wp.UserProperties = [.. will.UserProperties];
        }
        return connect;
    }

    private MqttConnectedInfo ToInfo(ConnAckPacket connAck)
    {
        var p = connAck.Properties;
        return new MqttConnectedInfo(
            SessionPresent: connAck.SessionPresent,
            ReasonCode: connAck.ReasonCode,
            ServerReceiveMaximum: p.ReceiveMaximum ?? SessionState.DefaultReceiveMaximum,
            ServerKeepAliveSeconds: p.ServerKeepAlive ?? _options.KeepAliveSeconds,
            // Absent Maximum QoS means QoS 2 is supported (§3.2.2.3.4); absent Retain Available means it is (§3.2.2.3.5).
            MaximumQualityOfService: (MqttQualityOfService)(p.MaximumQoS ?? 2),
            RetainAvailable: p.RetainAvailable != 0,
            TopicAliasMaximum: p.TopicAliasMaximum ?? 0,
            MaximumPacketSize: p.MaximumPacketSize,
            AssignedClientIdentifier: p.AssignedClientIdentifier,
            ReasonString: p.ReasonString);
    }
}
