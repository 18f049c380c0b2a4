using System.Buffers;
using EdgeLab.Mqtt.Packets;

namespace EdgeLab.Mqtt.Connection;

/// <summary>
/// The reader: frames packets out of the input pipe (size checked on the Fixed Header first, so a forged Remaining
/// Length costs nothing) and dispatches each. A malformed packet or a protocol error ends the connection with a
/// DISCONNECT carrying the reason [MQTT-4.13.1-1].
/// </summary>
internal sealed partial class MqttConnection
{
    private int _inboundUnacknowledged;
    private int _receiveMaximumOverrun;

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(_stop.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (PacketFramer.TryReadPacket(ref buffer, _options.MaximumPacketSize, out var header, out var body))
                        Dispatch(header, body);
                }
                finally
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted)
                {
                    Close("the server closed the connection", null, null);
                    return;
                }
            }
        }
        catch (MqttProtocolException ex)
        {
            MqttClientLog.ProtocolViolation(_logger, ex, ex.ReasonCode);
            await DisconnectAsync(ex.ReasonCode, "protocol error: " + ex.Message, CancellationToken.None, ex).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closed under us.
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Close("read failed: " + ex.Message, null, ex);
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(byte header, in ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment)
        {
            Dispatch(header, body.FirstSpan);
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            body.CopyTo(rented);
            Dispatch(header, rented.AsSpan(0, (int)body.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Dispatch(byte header, ReadOnlySpan<byte> body)
    {
        var type = (PacketType)(header >> 4);
        // The server sends CONNACK before any other packet except AUTH [MQTT-3.2.0-1]; DISCONNECT may still end things.
        if (ConnAck is null && !_connAck.Task.IsCompleted && type is not (PacketType.ConnAck or PacketType.Disconnect))
            throw new MqttProtocolException($"Protocol error: {type} before CONNACK [MQTT-3.2.0-1]", MqttDisconnectReasonCode.ProtocolError);
        switch (type)
        {
            case PacketType.PubAck:
                // The hot path for our own publishes: no packet object.
                PacketDecoder.CheckFlags(type, (byte)(header & 0x0F));
                var (id, reason) = PubAckPacket.ReadHeader(body, out var reasonString);
                if (!_session.CompletePublish(id, reason, reasonString)) MqttClientLog.UnknownAck(_logger, id);
                break;
            case PacketType.Publish:
                OnPublish(PublishPacket.Read((byte)(header & 0x0F), body));
                break;
            case PacketType.PingResp:
                PacketDecoder.CheckFlags(type, (byte)(header & 0x0F));
                if (!body.IsEmpty) throw new MqttProtocolException("Malformed PINGRESP: it has no body (§3.13)");
                Volatile.Write(ref _pingOutstanding, 0);
                break;
            default:
                OnControlPacket(PacketDecoder.Decode(header, body));
                break;
        }
    }

    private void OnControlPacket(IMqttPacket packet)
    {
        switch (packet)
        {
            case ConnAckPacket connAck:
                if (!_connAck.TrySetResult(connAck))
                    throw new MqttProtocolException("Protocol error: a second CONNACK (§3.2)", MqttDisconnectReasonCode.ProtocolError);
                break;
            case SubAckPacket subAck:
                if (!_session.CompleteRequest(subAck.PacketId, subAck)) MqttClientLog.UnknownAck(_logger, subAck.PacketId);
                break;
            case UnsubAckPacket unsubAck:
                if (!_session.CompleteRequest(unsubAck.PacketId, unsubAck)) MqttClientLog.UnknownAck(_logger, unsubAck.PacketId);
                break;
            case DisconnectPacket disconnect:
                MqttClientLog.ServerDisconnected(_logger, disconnect.ReasonCode, disconnect.Properties.ReasonString);
                Close($"the server sent DISCONNECT {disconnect.ReasonCode}", disconnect.ReasonCode, null);
                break;
            default:
                // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ are client-to-server only (§2.1.2, Table 2-1).
                throw new MqttProtocolException($"Protocol error: the server sent {packet.Type}", MqttDisconnectReasonCode.ProtocolError);
        }
    }

    private void OnPublish(PublishPacket publish)
    {
        publish.Topic = _aliases.Resolve(publish.Topic, publish.Properties.TopicAlias);
        if (publish.QoS == MqttQualityOfService.ExactlyOnce)
            // We never subscribe above QoS 1, so the server may not send QoS 2 (§3.8.4: delivered QoS ≤ granted QoS).
            throw new MqttProtocolException("Protocol error: QoS 2 PUBLISH on a connection that never subscribed at QoS 2", MqttDisconnectReasonCode.ProtocolError);
        if (publish.QoS == MqttQualityOfService.AtLeastOnce
            && Interlocked.Increment(ref _inboundUnacknowledged) > _options.ReceiveMaximum
            && Interlocked.Exchange(ref _receiveMaximumOverrun, 1) == 0)
        {
            // The server sent more unacknowledged QoS 1 publishes than our Receive Maximum, which it must not
            // [MQTT-3.3.4-9]. §3.3.4 has the client DISCONNECT with 0x93 — but Mosquitto 2.0.11 (Debian's, the one we
            // deploy) does this under load whenever a handler is slower than the flow, and a client that disconnects
            // gets the same flood on resume: a reconnect loop that delivers nothing. Accepting costs only memory for
            // messages the server has already sent; said once per connection.
            MqttClientLog.ReceiveMaximumOverrun(_logger, _options.ReceiveMaximum);
        }
        _inbound.Writer.TryWrite(publish);
    }
}
