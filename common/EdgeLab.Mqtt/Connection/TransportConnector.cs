using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace EdgeLab.Mqtt.Connection;

/// <summary>
/// Opens the byte stream MQTT runs over: TCP, optionally wrapped in TLS (SslStream) with the broker's CA and the
/// device's client certificate. Nothing above this knows about sockets (STYLE.md: transport yields a duplex stream).
/// </summary>
internal static class TransportConnector
{
    public static async ValueTask<Stream> ConnectAsync(MqttClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Tls is not { } tls) return stream;
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                var auth = new SslClientAuthenticationOptions
                {
                    TargetHost = tls.TargetHost ?? options.Host,
                    RemoteCertificateValidationCallback = tls.ServerCertificateValidation ?? ((_, cert, chain, errors) => Validate(tls, cert, errors)),
                };
                if ((tls.ClientCertificateSource?.Invoke() ?? tls.ClientCertificate) is { } clientCert) auth.ClientCertificates = [clientCert];
                await ssl.AuthenticateAsClientAsync(auth, cancellationToken).ConfigureAwait(false);
                return ssl;
            }
            catch
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// With a configured CA the server certificate must chain to exactly that CA (not the system store) and carry the
    /// expected name; without one the platform's verdict stands.
    /// </summary>
    private static bool Validate(MqttTlsOptions tls, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (tls.CaCertificate is not { } ca) return errors == SslPolicyErrors.None;
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var server = new X509Certificate2(certificate);
        return chain.Build(server) && chain.ChainElements[^1].Certificate.Thumbprint == ca.Thumbprint;
    }
}
