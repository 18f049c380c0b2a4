using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Fleet;

/// <summary>
/// Takes the gateways' <c>…/cmd-reply</c> (shared subscription: whichever hub node gets it) and records the result of
/// the command its Correlation Data names. The gateway id comes from the topic, which the broker's ACL binds to the
/// sender's certificate, so a gateway can answer only its own commands. A reply that cannot be read still ends its
/// command, as failed with the reason — never dropped; a reply with no command waiting (late, unknown) is logged.
/// </summary>
internal sealed partial class CommandReplyReceiver(GatewayCommandStore store, ILogger<CommandReplyReceiver> logger)
{
    public async ValueTask HandleAsync(MqttReceivedMessage message)
    {
        if (!Topics.TryParse(message.Topic, out var gatewayId, out _)) return;
        if (message.CorrelationData is not { Length: > 0 and <= 64 } correlation)
        {
            Unmatched(logger, gatewayId, "no correlation data");
            return;
        }
        var id = Encoding.ASCII.GetString(correlation.Span);
        CommandReplyMessage reply;
        try
        {
            reply = JsonSerializer.Deserialize(message.Payload.Span, WireJson.Default.CommandReplyMessage)
                ?? throw new JsonException("null document");
            if (reply.Schema != Schemas.CommandReply) throw new JsonException($"schema \"{reply.Schema}\" is not {Schemas.CommandReply}");
        }
        catch (JsonException e)
        {
            reply = new CommandReplyMessage { GatewayId = gatewayId, Name = "?", Ok = false, Text = $"the gateway's reply could not be read: {e.Message}" };
        }
        try
        {
            if (!await store.CompleteAsync(id, gatewayId, reply, CancellationToken.None).ConfigureAwait(false))
                Unmatched(logger, gatewayId, "no command with this correlation id is waiting (late after its timeout, or unknown)");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not rethrown into the MQTT client: the command times out and says so.
            StoreFailed(logger, gatewayId, e.Message);
        }
    }

    [LoggerMessage(401, LogLevel.Information, "Command reply from gateway {GatewayId} not recorded: {Reason}")]
    private static partial void Unmatched(ILogger logger, string gatewayId, string reason);

    [LoggerMessage(402, LogLevel.Warning, "Command reply from gateway {GatewayId} could not be stored: {Reason}")]
    private static partial void StoreFailed(ILogger logger, string gatewayId, string reason);
}
