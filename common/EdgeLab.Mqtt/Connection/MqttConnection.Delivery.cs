using System.Threading.Channels;
using EdgeLab.Mqtt.Packets;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Mqtt.Connection;

/// <summary>
/// Hands incoming messages to the application one at a time, in arrival order, on its own loop so a slow handler
/// never stalls the reader (PUBACKs for our own publishes keep flowing). The QoS 1 PUBACK goes out after the handler
/// returns; if the handler throws, the PUBACK carries 0x80 Unspecified error (§3.4.2.1).
/// </summary>
internal sealed partial class MqttConnection
{
    private readonly Channel<PublishPacket> _inbound;

    private async Task DeliveryLoopAsync()
    {
        try
        {
            await _previousDelivery.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await foreach (var publish in _inbound.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var reason = MqttPubAckReasonCode.Success;
                if (_options.OnMessage is { } handler)
                {
                    try
                    {
                        await handler(ToReceivedMessage(publish)).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                    {
                        MqttClientLog.HandlerFailed(_logger, ex, publish.Topic);
                        reason = MqttPubAckReasonCode.UnspecifiedError;
                    }
                }
                if (publish.QoS == MqttQualityOfService.AtLeastOnce)
                {
                    Interlocked.Decrement(ref _inboundUnacknowledged);
                    EnqueueControl(Outgoing.ForPubAck(publish.PacketId, reason));
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closed: what was not acknowledged is redelivered by the server if the session survives (§4.4).
        }
    }

    private static MqttReceivedMessage ToReceivedMessage(PublishPacket p) => new()
    {
        Topic = p.Topic,
        Payload = p.Payload,
        QualityOfService = p.QoS,
        Retain = p.Retain,
        Duplicate = p.Dup,
        MessageExpirySeconds = p.Properties.MessageExpiryInterval,
        ContentType = p.Properties.ContentType,
        ResponseTopic = p.Properties.ResponseTopic,
        CorrelationData = p.Properties.CorrelationData,
        UserProperties = p.Properties.UserProperties ?? (IReadOnlyList<MqttUserProperty>)[],
    };
}
