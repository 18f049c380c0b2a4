using EdgeLab.LocalServices;

namespace EdgeLab.Mqtt.Tests.Support;

/// <summary>Mosquitto configurations the integration tests start (through deploy/EdgeLab.LocalServices).</summary>
internal static class Brokers
{
    /// <summary>
    /// Plain loopback listener, persistence in the temp folder with a 1 s snapshot. No anonymous clients even here
    /// (issue 9): every client connects as <see cref="Tester"/>; no ACL, so any topic.
    /// </summary>
    public const string Plain = """
        user root
        listener {{PORT}} 127.0.0.1
        allow_anonymous false
        password_file {{DATA}}/passwd
        persistence true
        persistence_location {{DATA}}/
        autosave_interval 1
        log_dest stderr
        log_type error
        log_type warning
        max_inflight_messages 20
        max_queued_messages 100000
        """;

    /// <summary>The one user of this test run on <see cref="Plain"/> brokers.</summary>
    public static readonly MqttCredentials Tester = new("mqtt-test", MosquittoPasswords.NewPassword());

    public static Task<MosquittoProcess> StartPlainAsync(string config = Plain) => MosquittoProcess.StartAsync(config, users: [Tester]);

    public static MqttClientOptions Options(MosquittoProcess broker, string clientId, Func<MqttReceivedMessage, ValueTask>? onMessage = null) =>
        Options(broker.Port, clientId, onMessage);

    /// <summary>Options for 127.0.0.1:<paramref name="port"/> (the broker, or a <see cref="TcpProxy"/> in front of it).</summary>
    public static MqttClientOptions Options(int port, string clientId, Func<MqttReceivedMessage, ValueTask>? onMessage = null,
        uint sessionExpiry = 0, bool cleanStart = true, ushort keepAlive = 30, MqttWill? will = null, MqttTlsOptions? tls = null) => new()
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = clientId,
            OnMessage = onMessage,
            SessionExpirySeconds = sessionExpiry,
            CleanStart = cleanStart,
            KeepAliveSeconds = keepAlive,
            Will = will,
            Tls = tls,
            // With TLS the certificate is the identity (use_identity_as_username); without it, the test user.
            UserName = tls is null ? Tester.UserName : null,
            Password = tls is null ? System.Text.Encoding.UTF8.GetBytes(Tester.Password) : null,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };
}

/// <summary>One Mosquitto per test class; stopped by pid when the class is done, pass or fail.</summary>
public sealed class MosquittoFixture : IAsyncLifetime
{
    public MosquittoProcess Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await Brokers.StartPlainAsync();

    public async Task DisposeAsync() => await Broker.DisposeAsync();
}
