using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeLab.Mqtt;

namespace EdgeLab.Hub.Ingest;

/// <summary>Where the broker is, who the hub is there (user name + password, or a client certificate), whether this node ingests.</summary>
internal sealed record HubMqttOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    /// <summary>Subscribe to the gateways' uplink (role <c>ingest</c>); without it the connection only publishes orders.</summary>
    public bool Ingest { get; init; } = true;
    public string ClientId { get; init; } = $"edgelab-hub-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    /// <summary>MQTT 5.0 §3.1.3.5 User Name; with a certificate listener (<c>use_identity_as_username</c>) the broker takes the certificate's CN instead.</summary>
    public string? UserName { get; init; }
    /// <summary>§3.1.3.6 Password, read from a file so it never shows in a process list or a shell history.</summary>
    public string? PasswordFile { get; init; }
    /// <summary>Set to connect over TLS.</summary>
    public HubMqttTlsOptions? Tls { get; init; }
}

/// <summary>PEM files for TLS to the broker (deploy/mosquitto/edgelab-production.conf).</summary>
internal sealed record HubMqttTlsOptions
{
    /// <summary>The CA that signed the broker's certificate; the broker must chain to exactly this CA.</summary>
    public required string CaFile { get; init; }
    /// <summary>The hub node's certificate (CN = its broker user, e.g. <c>hub-1</c>) and its key.</summary>
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    /// <summary>The name the broker's certificate must carry; defaults to the host.</summary>
    public string? ServerName { get; init; }
}

/// <summary>Turns the options into the client's credentials and TLS settings, naming the option at fault.</summary>
internal static class HubMqttCredentials
{
    /// <exception cref="ArgumentException">A file is missing or unreadable, or only one of cert/key is given.</exception>
    public static ReadOnlyMemory<byte>? LoadPassword(HubMqttOptions options)
    {
        if (options.PasswordFile is not { } file) return null;
        if (options.UserName is null) throw new ArgumentException("--mqtt-password-file needs --mqtt-username");
        try
        {
            // One line; the trailing newline an editor or `echo` adds is not part of the password.
            return System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(file).TrimEnd('\r', '\n'));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--mqtt-password-file {file}: cannot read it: {ex.Message}", ex);
        }
    }

    /// <exception cref="ArgumentException">A certificate file cannot be loaded; names the option and the file.</exception>
    public static MqttTlsOptions? LoadTls(HubMqttOptions options)
    {
        if (options.Tls is not { } tls) return null;
        X509Certificate2 ca;
        try
        {
            ca = X509Certificate2.CreateFromPem(File.ReadAllText(tls.CaFile));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"--mqtt-ca {tls.CaFile}: cannot load the CA certificate: {ex.Message}", ex);
        }
        if ((tls.CertFile is null) != (tls.KeyFile is null))
            throw new ArgumentException("--mqtt-cert and --mqtt-key go together (the hub's certificate and its private key, PEM)");
        X509Certificate2? client = null;
        if (tls.CertFile is { } cert && tls.KeyFile is { } key)
        {
            try
            {
                client = X509Certificate2.CreateFromPemFile(cert, key);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new ArgumentException($"--mqtt-cert {cert} with --mqtt-key {key}: cannot load them: {ex.Message}", ex);
            }
        }
        return new MqttTlsOptions { CaCertificate = ca, ClientCertificate = client, TargetHost = tls.ServerName ?? options.Host };
    }
}
