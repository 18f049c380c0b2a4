using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EdgeLab.Mqtt;

/// <summary>How to reach the server and what to ask for in CONNECT (MQTT 5.0 §3.1).</summary>
public sealed class MqttClientOptions
{
    public required string Host { get; init; }
    public int Port { get; init; } = 1883;
    public required string ClientId { get; init; }
    /// <summary>[MQTT-3.1.2-4] Clean Start=1 discards any existing session.</summary>
    public bool CleanStart { get; init; } = true;
    /// <summary>§3.1.2.11.2; 0 ends the session with the connection (hub nodes use 0, see DESIGN.md "Scale").</summary>
    public uint SessionExpirySeconds { get; init; }
    public ushort KeepAliveSeconds { get; init; } = 30;
    /// <summary>Our Receive Maximum (§3.1.2.11.3): how many QoS 1/2 publishes the server may have in flight to us.</summary>
    public ushort ReceiveMaximum { get; init; } = 1000;
    /// <summary>Largest packet we accept (§3.1.2.11.4); a bigger Remaining Length is a protocol error, never an allocation.</summary>
    public uint MaximumPacketSize { get; init; } = 4 * 1024 * 1024;
    /// <summary>How many topic aliases we accept from the server; 0 = none.</summary>
    public ushort TopicAliasMaximum { get; init; }
    public string? UserName { get; init; }
    public ReadOnlyMemory<byte>? Password { get; init; }
    public MqttWill? Will { get; init; }
    public MqttTlsOptions? Tls { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Reconnect backoff: exponential from <see cref="ReconnectMinDelay"/> to <see cref="ReconnectMaxDelay"/>, with full jitter.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];
    /// <summary>Handler for incoming application messages. The QoS 1 PUBACK is sent after it returns.</summary>
    public Func<MqttReceivedMessage, ValueTask>? OnMessage { get; init; }
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

public sealed class MqttWill
{
    public required string Topic { get; init; }
    public ReadOnlyMemory<byte> Payload { get; init; }
    public MqttQualityOfService QualityOfService { get; init; } = MqttQualityOfService.AtLeastOnce;
    public bool Retain { get; init; }
    /// <summary>§3.1.3.2.2 Will Delay Interval.</summary>
    public uint DelaySeconds { get; init; }
    public uint? MessageExpirySeconds { get; init; }
    public string? ContentType { get; init; }
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];
}

public sealed class MqttTlsOptions
{
    /// <summary>The CA that signed the broker's certificate; the server certificate must chain to it.</summary>
    public X509Certificate2? CaCertificate { get; init; }
    /// <summary>The device's certificate with private key: its identity at the broker.</summary>
    public X509Certificate2? ClientCertificate { get; init; }
    /// <summary>
    /// Asked on every connection attempt and preferred to <see cref="ClientCertificate"/> when it returns one: a device
    /// that renewed its certificate switches on the next connection without a new client (and keeps its session).
    /// </summary>
    public Func<X509Certificate2?>? ClientCertificateSource { get; init; }
    /// <summary>Name expected in the server certificate; defaults to <see cref="MqttClientOptions.Host"/>.</summary>
    public string? TargetHost { get; init; }
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }
}
