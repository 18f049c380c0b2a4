using System.Text;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Broker;

/// <summary>
/// TLS with client certificates against a real Mosquitto: the certificate's CN is the identity
/// (<c>use_identity_as_username</c>) and the ACL confines each gateway to <c>edgelab/v1/gw/%u/#</c>.
/// </summary>
public sealed class TlsAclTests : IAsyncLifetime
{
    private const string Config = """
        user root
        per_listener_settings false
        listener {{PORT}} 127.0.0.1
        cafile {{DATA}}/ca.crt
        certfile {{DATA}}/server.crt
        keyfile {{DATA}}/server.key
        require_certificate true
        use_identity_as_username true
        allow_anonymous false
        acl_file {{DATA}}/edgelab.acl
        persistence false
        log_dest stderr
        log_type error
        log_type warning
        """;

    private const string Acl = """
        user hub
        topic read edgelab/v1/#

        pattern readwrite edgelab/v1/gw/%u/#
        """;

    private readonly TestCertificates _pki = new();
    private MosquittoProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoProcess.StartAsync(Config, new Dictionary<string, string>
    {
        ["ca.crt"] = TestCertificates.Pem(_pki.Ca),
        ["server.crt"] = TestCertificates.Pem(_pki.Server),
        ["server.key"] = TestCertificates.KeyPem(_pki.Server),
        ["edgelab.acl"] = Acl,
    });

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _pki.Dispose();
    }

    private MqttClientOptions Device(string id, Func<MqttReceivedMessage, ValueTask>? onMessage = null) =>
        Brokers.Options(_broker.Port, id, onMessage, tls: new MqttTlsOptions { CaCertificate = _pki.Ca, ClientCertificate = _pki.Issue("CN=" + id) });

    [Fact]
    public async Task Gateway_a_cannot_publish_under_gateway_b_it_gets_0x87_and_the_data_never_appears()
    {
        var inbox = new Inbox();
        await using var hub = new MqttClient(Device("hub", inbox.Handler));
        await hub.ConnectAsync();
        await hub.SubscribeAsync([new MqttSubscription { TopicFilter = "edgelab/v1/gw/+/results" }]);
        await using var gatewayA = new MqttClient(Device("gw-a"));
        await gatewayA.ConnectAsync();

        var denied = await gatewayA.PublishAsync(new MqttApplicationMessage { Topic = "edgelab/v1/gw/gw-b/results", Payload = Encoding.UTF8.GetBytes("forged") });
        var allowed = await gatewayA.PublishAsync(new MqttApplicationMessage { Topic = "edgelab/v1/gw/gw-a/results", Payload = Encoding.UTF8.GetBytes("own") });

        Assert.Equal(MqttPubAckReasonCode.NotAuthorized, denied.ReasonCode);
        Assert.False(denied.IsSuccess);
        Assert.True(allowed.IsSuccess);
        // Mosquitto routes one connection's publishes in order: the allowed one arriving means the denied one never will.
        await inbox.WaitForAsync(ms => ms.Any(m => m.Topic == "edgelab/v1/gw/gw-a/results"));
        Assert.DoesNotContain(inbox.Messages, m => m.Topic.Contains("gw-b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_without_a_certificate_from_the_ca_cannot_connect()
    {
        using var stranger = new TestCertificates();
        var options = Brokers.Options(_broker.Port, "gw-x", tls: new MqttTlsOptions { CaCertificate = _pki.Ca, ClientCertificate = stranger.Issue("CN=gw-x") });
        await using var client = new MqttClient(options);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync());
        // Under TLS 1.3 the broker rejects the client certificate after the client's handshake completes: the
        // refusal shows as the connection closing before CONNACK, or as a failed handshake.
        Assert.True(ex is MqttConnectionLostException or IOException or System.Security.Authentication.AuthenticationException, ex.GetType().Name);
        Assert.NotEqual(MqttConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_refused()
    {
        using var other = new TestCertificates();
        var options = Brokers.Options(_broker.Port, "gw-a", tls: new MqttTlsOptions { CaCertificate = other.Ca, ClientCertificate = _pki.Issue("CN=gw-a") });
        await using var client = new MqttClient(options);
        await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => client.ConnectAsync());
    }
}
