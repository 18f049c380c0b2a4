using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Management;
using EdgeLab.Gateway.OrderCache;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Uplink;

/// <summary>
/// Routes what the hub sends down (<c>…/ack</c>, <c>…/orders</c>, <c>…/config</c>, <c>…/cmd</c>). The MQTT client PUBACKs a
/// message after this handler returns, so acks and orders are committed before the broker forgets them; a bad payload
/// is logged and dropped (never thrown back into the client).
/// </summary>
internal sealed class InboundRouter(
    string gatewayId,
    OutboxStore outbox,
    SqliteOrderCache orders,
    CommandHandler commands,
    ConfigApplier config,
    Func<OutboxDispatcher?> dispatcher,
    Func<IMqttClient?> client,
    ILogger log,
    CancellationToken stopping,
    LocalStatus.UplinkHealth? health = null,
    Renewal.CertificateRenewal? renewal = null)
{
    public async ValueTask HandleAsync(MqttReceivedMessage message)
    {
        if (!Topics.TryParse(message.Topic, out var gw, out var leaf) || gw != gatewayId)
        {
            GatewayLog.InboundRejected(log, message.Topic, "not this gateway's topic");
            return;
        }
        try
        {
            switch (leaf)
            {
                case "ack":
                    await AckAsync(message).ConfigureAwait(false);
                    break;
                case "orders":
                    Order(message);
                    break;
                case "config":
                    // Applying waits for instruments to come back (up to a minute): not inside the client's delivery.
                    var payload = message.Payload.ToArray();
                    _ = Task.Run(() => config.HandleAsync(payload, stopping), CancellationToken.None);
                    break;
                case "cert":
                    if (renewal is not null) await renewal.HandleAnswerAsync(message).ConfigureAwait(false);
                    else GatewayLog.InboundRejected(log, message.Topic, "a certificate, but this gateway has no client certificate to renew");
                    break;
                case "cmd":
                    if (client() is { } c) commands.Handle(message, c, stopping);
                    break;
                default:
                    GatewayLog.InboundRejected(log, message.Topic, $"no handler for \"{leaf}\"");
                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            GatewayLog.InboundRejected(log, message.Topic, ex.Message);
        }
    }

    private async Task AckAsync(MqttReceivedMessage message)
    {
        if (WireJson.PeekSchema(message.Payload.Span) != Schemas.Ack)
        {
            GatewayLog.InboundRejected(log, message.Topic, $"schema is not {Schemas.Ack}");
            return;
        }
        var ack = JsonSerializer.Deserialize(message.Payload.Span, WireJson.Default.AckMessage);
        if (ack is null || ack.GatewayId != gatewayId)
        {
            GatewayLog.InboundRejected(log, message.Topic, "ack for another gateway");
            return;
        }
        // An ack of another epoch is for the store this one replaced (a reinstall while acks were in flight): its
        // sequences name other messages here. No epoch = ids in the old form, still waiting in an upgraded store.
        if (ack.Epoch is not null && ack.Epoch != outbox.Epoch)
        {
            GatewayLog.InboundRejected(log, message.Topic, "ack for another outbox epoch (a replaced store)");
            return;
        }
        // Delete first (durably), then tell the dispatcher: a row it forgets is never on disk to be read again.
        await outbox.AcknowledgeAsync(ack.Sequences, stopping).ConfigureAwait(false);
        dispatcher()?.OnHubAck(ack.Sequences);
        health?.HubAcknowledged();
    }

    private void Order(MqttReceivedMessage message)
    {
        if (WireJson.PeekSchema(message.Payload.Span) != Schemas.Order)
        {
            GatewayLog.InboundRejected(log, message.Topic, $"schema is not {Schemas.Order}");
            return;
        }
        var order = JsonSerializer.Deserialize(message.Payload.Span, WireJson.Default.OrderMessage)
            ?? throw new JsonException("order document is null");
        var applied = orders.Apply(order);
        GatewayLog.OrderApplied(log, order.OrderId, applied ? order.Action : "ignored (older than the stored version)");
    }
}
