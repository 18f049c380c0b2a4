using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Mqtt;

namespace EdgeLab.Hub.Fleet;

/// <summary>
/// Sends a gateway's pending commands on <c>…/cmd</c> (issue 12 §5): the command id as MQTT 5 Correlation Data and
/// <c>…/cmd-reply</c> as Response Topic (MQTT 5.0 §4.10, [MQTT-3.3.2-12]); the Message Expiry Interval is the time left
/// to the command's timeout, so a broker holding it for an offline gateway drops it once nobody waits for the answer
/// ([MQTT-3.3.2-5]) — a restart nobody asked for any more never runs an hour later. Called by the gateway's grain.
/// </summary>
internal sealed class CommandPublisher(GatewayCommandStore store, IMqttClient client, TimeProvider time)
{
    /// <summary>True when every pending command went out.</summary>
    public async Task<bool> SendPendingAsync(string gatewayId, CancellationToken cancellationToken)
    {
        foreach (var command in await store.ListPendingAsync(gatewayId, cancellationToken).ConfigureAwait(false))
        {
            var left = command.TimeoutAt - time.GetUtcNow();
            if (left <= TimeSpan.Zero) continue; // the sweep times it out
            var result = await client.PublishAsync(new MqttApplicationMessage
            {
                Topic = Topics.Command(gatewayId),
                Payload = JsonSerializer.SerializeToUtf8Bytes(new CommandMessage { Name = command.Name, Args = command.Args }, WireJson.Default.CommandMessage),
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                ContentType = "application/json",
                ResponseTopic = Topics.CommandReply(gatewayId),
                CorrelationData = Encoding.ASCII.GetBytes(command.Id),
                MessageExpirySeconds = (uint)Math.Max(1, Math.Ceiling(left.TotalSeconds)),
            }, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess) return false;
            await store.MarkSentAsync(command.Id, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }
}
