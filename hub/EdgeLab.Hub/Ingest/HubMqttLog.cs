using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Ingest;

/// <summary>The hub's broker connection. Hosts, ports, client ids and reasons only; never a password.</summary>
internal static partial class HubMqttLog
{
    [LoggerMessage(101, LogLevel.Warning, "Cannot connect to the MQTT broker at {Host}:{Port} ({Transport}) as {ClientId}: {Reason}; retrying in {DelayMs} ms")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string transport, string clientId, string reason, long delayMs);

    [LoggerMessage(102, LogLevel.Information, "Connected to the MQTT broker at {Host}:{Port} ({Transport}) as {ClientId}")]
    public static partial void Connected(ILogger logger, string host, int port, string transport, string clientId);
}
