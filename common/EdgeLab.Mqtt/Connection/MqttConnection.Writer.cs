using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Session;

namespace EdgeLab.Mqtt.Connection;

/// <summary>
/// The writer: the only code that touches the output pipe. Control packets (CONNECT, PUBACK, PINGREQ, SUBSCRIBE,
/// DISCONNECT …) go through their own queue, which the loop drains before every PUBLISH, so they are never delayed
/// behind publishes [MQTT-3.3.4-8]; and a PUBLISH reaches the queue only after it got a send-quota slot, so a full
/// Receive Maximum window holds back publishers, never this loop. Writes are batched and flushed when the queues run dry.
/// </summary>
internal sealed partial class MqttConnection
{
    private const int FlushThreshold = 64 * 1024;

    private readonly ConcurrentQueue<Outgoing> _control = new();
    private readonly Channel<Outgoing> _publishes;

    /// <summary>Queues a QoS 1 PUBLISH (first send or resend); false when the connection is closed.</summary>
    public bool TryEnqueuePublish(InFlightPublish entry, bool dup)
    {
        var previous = Interlocked.Exchange(ref entry.QueuedOnEpoch, Epoch);
        if (previous == Epoch) return true;
        if (_publishes.Writer.TryWrite(Outgoing.ForPublish(entry, dup))) return true;
        Interlocked.CompareExchange(ref entry.QueuedOnEpoch, previous, Epoch);
        return false;
    }

    /// <summary>Queues a QoS 0 PUBLISH; it needs no quota slot (§4.9 counts only QoS 1 and 2).</summary>
    public bool TryEnqueuePublish(MqttApplicationMessage message) => _publishes.Writer.TryWrite(Outgoing.ForPublish(message));

    public bool EnqueueControl(Outgoing item)
    {
        if (!IsOpen) return false;
        _control.Enqueue(item);
        // Wake the loop if it is waiting on the publish queue.
        return _publishes.Writer.TryWrite(Outgoing.Wake);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _publishes.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                var pending = 0;
                TaskCompletionSource? disconnectWritten = null;
                while (disconnectWritten is null)
                {
                    while (disconnectWritten is null && _control.TryDequeue(out var control))
                        pending += Write(control, ref disconnectWritten);
                    if (disconnectWritten is not null) break;
                    if (pending >= FlushThreshold)
                    {
                        await _output.FlushAsync(_stop.Token).ConfigureAwait(false);
                        pending = 0;
                        continue;
                    }
                    if (!reader.TryRead(out var item)) break;
                    pending += Write(item, ref disconnectWritten);
                }
                await _output.FlushAsync(_stop.Token).ConfigureAwait(false);
                if (disconnectWritten is not null)
                {
                    disconnectWritten.TrySetResult();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closed under us.
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Close("write failed: " + ex.Message, null, ex);
        }
    }

    private int Write(in Outgoing item, ref TaskCompletionSource? disconnectWritten)
    {
        switch (item.Kind)
        {
            case Outgoing.Kinds.Publish:
                var entry = (InFlightPublish)item.Item!;
                // DUP=1 only when this is a re-delivery of a packet that went out before [MQTT-3.3.1-1].
                var n = PublishPacket.Write(_output, entry.Message, entry.PacketId, item.Dup);
                entry.Written = true;
                return n;
            case Outgoing.Kinds.PublishAtMostOnce:
                return PublishPacket.Write(_output, (MqttApplicationMessage)item.Item!, 0, dup: false);
            case Outgoing.Kinds.PubAck:
                PubAckPacket.WriteSimple(_output.GetSpan(PubAckPacket.SimpleSize), item.PacketId, (MqttPubAckReasonCode)item.ReasonCode);
                _output.Advance(PubAckPacket.SimpleSize);
                return PubAckPacket.SimpleSize;
            case Outgoing.Kinds.PingReq:
                PingReqPacket.Bytes.CopyTo(_output.GetSpan(2));
                _output.Advance(2);
                return 2;
            case Outgoing.Kinds.Packet:
                return PacketEncoder.Write(_output, (IMqttPacket)item.Item!);
            case Outgoing.Kinds.Disconnect:
                disconnectWritten = item.Written;
                return PacketEncoder.Write(_output, (IMqttPacket)item.Item!);
            default:
                return 0;
        }
    }

    private void FailPendingWrites(Exception reason)
    {
        while (_control.TryDequeue(out var item)) item.Written?.TrySetException(reason);
    }
}
