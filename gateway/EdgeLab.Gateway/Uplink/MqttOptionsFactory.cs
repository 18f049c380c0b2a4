using System.Security.Cryptography.X509Certificates;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Mqtt;

namespace EdgeLab.Gateway.Uplink;

/// <summary>The gateway's MQTT session: its own client id, a persistent session, the offline Will, TLS from the config.</summary>
internal static class MqttOptionsFactory
{
    /// <summary>
    /// The broker keeps the gateway's session (acks, orders, commands queued while it is offline) this long. A week
    /// covers a long weekend with the uplink down; beyond that the hub resends orders and the gateway resends results.
    /// </summary>
    public const uint SessionExpirySeconds = 7 * 24 * 3600;

    public static MqttClientOptions Create(GatewayConfig config, Func<MqttReceivedMessage, ValueTask> onMessage, TimeProvider time,
        Renewal.CertificateRenewal? renewal = null)
    {
        var gw = config.GatewayId;
        return new MqttClientOptions
        {
            Host = config.Mqtt.Host,
            Port = config.Mqtt.Port,
            ClientId = gw,
            CleanStart = false,
            SessionExpirySeconds = SessionExpirySeconds,
            KeepAliveSeconds = (ushort)config.Mqtt.KeepAliveSeconds,
            // The broker resends everything queued for our session at once on resume (hub acks piled up while we were
            // offline). Acks and orders are small and handled quickly, so accept the most; Mosquitto 2.0 exceeds a
            // smaller value anyway (the client tolerates that with a warning).
            ReceiveMaximum = ushort.MaxValue,
            Will = new MqttWill
            {
                Topic = Topics.Status(gw),
                Payload = StatusReporter.Offline(gw, config.ConfigVersion, time.GetUtcNow()),
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                Retain = true,
                ContentType = "application/json",
            },
            UserName = config.Mqtt.PasswordFile is null ? config.Mqtt.Username : config.Mqtt.Username ?? gw,
            Password = config.Mqtt.PasswordFile is { } passwordFile ? LoadPassword(passwordFile) : null,
            Tls = config.Mqtt.Tls is { } tls ? WithRenewal(LoadTls(tls, config.Mqtt.Host), renewal) : null,
            OnMessage = onMessage,
            TimeProvider = time,
        };
    }

    /// <summary>A renewing gateway presents whatever <see cref="Renewal.CertificateRenewal"/> says on each connection.</summary>
    private static MqttTlsOptions WithRenewal(MqttTlsOptions tls, Renewal.CertificateRenewal? renewal) => renewal is null ? tls : new MqttTlsOptions
    {
        CaCertificate = tls.CaCertificate,
        ClientCertificate = tls.ClientCertificate,
        ClientCertificateSource = renewal.Present,
        TargetHost = tls.TargetHost,
    };

    /// <summary>The CA of <c>mqtt.tls.ca</c> (the broker's, which also signs the devices' certificates).</summary>
    /// <exception cref="GatewayConfigException">Missing or unreadable.</exception>
    public static X509Certificate2 LoadCa(MqttTlsConfig tls)
    {
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(tls.Ca));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new GatewayConfigException("config", [$"mqtt.tls.ca: cannot load {tls.Ca}: {ex.Message}"]);
        }
    }

    /// <exception cref="GatewayConfigException">The password file is missing or unreadable.</exception>
    private static ReadOnlyMemory<byte> LoadPassword(string path)
    {
        try
        {
            // One line; the newline an editor or `echo` leaves is not part of the password.
            return System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(path).TrimEnd('\r', '\n'));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigException("config", [$"mqtt.passwordFile: cannot read {path}: {ex.Message}"]);
        }
    }

    /// <exception cref="GatewayConfigException">A certificate file is missing or unreadable; names the field.</exception>
    private static MqttTlsOptions LoadTls(MqttTlsConfig tls, string host)
    {
        var ca = LoadCa(tls);
        X509Certificate2? client = null;
        if (tls.Cert is not null && tls.Key is not null)
        {
            try
            {
                client = X509Certificate2.CreateFromPemFile(tls.Cert, tls.Key);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new GatewayConfigException("config", [$"mqtt.tls.cert: cannot load {tls.Cert} with key {tls.Key}: {ex.Message}"]);
            }
        }
        return new MqttTlsOptions { CaCertificate = ca, ClientCertificate = client, TargetHost = host };
    }
}
