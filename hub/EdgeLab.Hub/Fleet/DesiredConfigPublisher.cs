using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Mqtt;

namespace EdgeLab.Hub.Fleet;

/// <summary>
/// Publishes a gateway's latest desired configuration on <c>…/config</c>, QoS 1 and <b>retained</b> (issue 12 §2): the
/// broker keeps the last one per topic and hands it to the gateway whenever it subscribes ([MQTT-3.3.1-6]), so a gateway
/// that was offline while the version changed twice gets only the latest on reconnect; the gateway compares versions
/// and ignores one at or below what it runs. Called by the gateway's grain only, so one publisher per gateway at a time.
/// </summary>
internal sealed class DesiredConfigPublisher(FleetConfigStore store, IMqttClient client)
{
    /// <summary>Publishes the latest version if it is not yet published; true when there is nothing left to publish.</summary>
    public async Task<bool> PublishAsync(string gatewayId, CancellationToken cancellationToken)
    {
        var state = await store.GetLatestAsync(gatewayId, cancellationToken).ConfigureAwait(false);
        if (state is not { } latest) return true;
        using var document = JsonDocument.Parse(latest.Document);
        var message = new ConfigMessage { Version = latest.Version, Document = document.RootElement };
        var result = await client.PublishAsync(new MqttApplicationMessage
        {
            Topic = Topics.Config(gatewayId),
            Payload = JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Default.ConfigMessage),
            QualityOfService = MqttQualityOfService.AtLeastOnce,
            Retain = true,
            ContentType = "application/json",
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess) return false;
        await store.MarkPublishedAsync(gatewayId, latest.Version, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
