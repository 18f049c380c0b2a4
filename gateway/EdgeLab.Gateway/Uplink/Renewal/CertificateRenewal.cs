using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Uplink.Renewal;

/// <summary>
/// The gateway's half of certificate renewal over MQTT (issue 12 §1). Inside the renewal window (<c>mqtt.tls.renewBeforeDays</c>
/// before notAfter, checked hourly on the runtime clock) or on the hub's <c>renew-certificate</c> command it makes a new
/// ECDSA P-256 key, sends a CSR for <c>CN=&lt;gateway id&gt;</c> on <c>…/cert-request</c> and checks the answer on
/// <c>…/cert</c>: it must chain to the CA the gateway was given, name this gateway and carry the new key. The new pair is
/// staged on the card, presented on the next connection, and made the pair in force only once the broker accepted it;
/// if the broker does not within <see cref="TrialTimeout"/>, the gateway goes back to the old pair. Every refusal is a
/// <c>certificate-renewal-failed</c> event with the cause in words; nothing here throws into the uplink.
/// </summary>
internal sealed partial class CertificateRenewal : IDisposable
{
    /// <summary>How often the window is checked; a window is days long.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromHours(1);

    /// <summary>A request not answered in this time may be made again (the hub node holding the CA may be down).</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The broker has this long to accept a connection with the new pair before the old one is used again.</summary>
    public TimeSpan TrialTimeout { get; init; } = TimeSpan.FromSeconds(60);

    private readonly GatewayRuntime _runtime;
    private readonly ClientCertificateFiles _files;
    private readonly X509Certificate2 _ca;
    private readonly OutboxStore _outbox;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private X509Certificate2 _current;
    private PendingRequest? _pending;
    private X509Certificate2? _trial;
    private X509Certificate2? _presented;
    private ITimer? _check;
    private ITimer? _trialTimer;
    private IMqttClient? _client;

    public CertificateRenewal(GatewayRuntime runtime, ClientCertificateFiles files, X509Certificate2 ca, X509Certificate2 current, OutboxStore outbox, ILogger log)
    {
        _runtime = runtime;
        _files = files;
        _ca = ca;
        _current = current;
        _outbox = outbox;
        _log = log;
        runtime.CertificateNotAfter = new DateTimeOffset(current.NotAfter.ToUniversalTime(), TimeSpan.Zero);
    }

    /// <summary>Asked by the MQTT client on every connection attempt: the trial pair while one is tried, else the pair in force.</summary>
    public X509Certificate2 Present()
    {
        lock (_gate) return _presented = _trial ?? _current;
    }

    public X509Certificate2 Current
    {
        get
        {
            lock (_gate) return _current;
        }
    }

    /// <summary>Starts the hourly window check on the uplink's client.</summary>
    public void Start(IMqttClient client)
    {
        _client = client;
        _check = _runtime.Time.CreateTimer(_ => _ = CheckWindowAsync(), null, CheckEvery, CheckEvery);
    }

    /// <summary>Inside the window (or past notAfter) → ask now; outside → nothing.</summary>
    public async Task CheckWindowAsync()
    {
        var days = _runtime.Config.Mqtt.Tls?.RenewBeforeDays ?? 0;
        if (days <= 0) return;
        var notAfter = _runtime.CertificateNotAfter ?? DateTimeOffset.MaxValue;
        if (_runtime.Time.GetUtcNow() < notAfter - TimeSpan.FromDays(days)) return;
        try
        {
            await RequestAsync($"inside the renewal window: valid until {notAfter:yyyy-MM-dd}, renewed {days} days before").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // From a timer or the connect event: nobody awaits this, so say it here.
            await FailedAsync($"certificate request not made: {ex.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>The uplink connected: a trial pair that got through is kept; then the window is checked (a box that was off for months).</summary>
    public void OnConnected()
    {
        X509Certificate2? confirmed = null;
        lock (_gate)
        {
            if (_trial is not null && ReferenceEquals(_presented, _trial))
            {
                confirmed = _trial;
                _trial = null;
                _trialTimer?.Dispose();
            }
        }
        if (confirmed is not null) Confirm(confirmed);
        _ = CheckWindowAsync();
    }

    /// <summary>The hub's <c>renew-certificate</c> command or the window: a new key and a request, unless one is outstanding.</summary>
    /// <returns>What happened, in words (the command's reply).</returns>
    public async Task<(bool Ok, string Text)> RequestAsync(string why)
    {
        var now = _runtime.Time.GetUtcNow();
        PendingRequest request;
        lock (_gate)
        {
            if (_trial is not null) return (false, "a renewed certificate is being tried on the broker now");
            if (_pending is { } p && now - p.At < AnswerTimeout) return (true, $"a certificate request ({p.RequestId}) is already waiting for the hub's answer");
            _pending?.Key.Dispose();
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            request = _pending = new PendingRequest(Guid.NewGuid().ToString("N"), key, now);
        }
        var gatewayId = _runtime.Config.GatewayId;
        var csr = new CertificateRequest("CN=" + gatewayId, request.Key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var message = new CertificateRequestMessage { GatewayId = gatewayId, RequestId = request.RequestId, Csr = csr };
        try
        {
            if (_client is not { State: MqttConnectionState.Connected } client) throw new InvalidOperationException("the uplink is not connected");
            var result = await client.PublishAsync(new MqttApplicationMessage
            {
                Topic = Topics.CertificateRequest(gatewayId),
                Payload = JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Default.CertificateRequestMessage),
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                ContentType = "application/json",
            }).ConfigureAwait(false);
            if (!result.IsSuccess) throw new InvalidOperationException($"the broker refused the request (reason {result.ReasonCode})");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_pending, request)) _pending = null;
            }
            request.Key.Dispose();
            await FailedAsync($"certificate request not sent: {ex.Message}").ConfigureAwait(false);
            return (false, $"certificate request not sent: {ex.Message}");
        }
        RenewalLog.Requested(_log, request.RequestId, why);
        return (true, $"certificate request {request.RequestId} sent ({why}); the new certificate is used once the broker accepts it");
    }

    /// <summary>The hub's answer on <c>…/cert</c>.</summary>
    public async ValueTask HandleAnswerAsync(MqttReceivedMessage message)
    {
        CertificateMessage? answer;
        try
        {
            answer = JsonSerializer.Deserialize(message.Payload.Span, WireJson.Default.CertificateMessage);
        }
        catch (JsonException ex)
        {
            await FailedAsync($"the answer on {message.Topic} is not an {Schemas.Certificate} document: {ex.Message}").ConfigureAwait(false);
            return;
        }
        PendingRequest? request;
        lock (_gate)
        {
            request = _pending;
            if (answer is null || request is null || answer.RequestId != request.RequestId) request = null;
            else _pending = null;
        }
        if (request is null)
        {
            RenewalLog.Ignored(_log, answer?.RequestId ?? "?");
            return;
        }
        using var key = request.Key;
        if (answer!.Error is { } error)
        {
            await FailedAsync($"the hub refused the certificate request: {error}").ConfigureAwait(false);
            return;
        }
        var verdict = Verify(answer.Certificate, key, out var renewed);
        if (verdict is not null)
        {
            renewed?.Dispose();
            await FailedAsync($"the hub's certificate was not taken: {verdict}").ConfigureAwait(false);
            return;
        }
        try
        {
            _files.Stage(answer.Certificate!, key.ExportPkcs8PrivateKeyPem());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            renewed!.Dispose();
            await FailedAsync($"the renewed certificate could not be written: {ex.Message}").ConfigureAwait(false);
            return;
        }
        lock (_gate)
        {
            _trial = renewed;
            _trialTimer = _runtime.Time.CreateTimer(_ => _ = AbandonTrialAsync(renewed!), null, TrialTimeout, Timeout.InfiniteTimeSpan);
        }
        RenewalLog.Trying(_log, renewed!.SerialNumber, renewed.NotAfter.ToUniversalTime());
        // Not inside the client's delivery of this message: the reconnect closes the connection that delivers it.
        _ = Task.Run(ReconnectAsync, CancellationToken.None);
    }

    private async Task ReconnectAsync()
    {
        if (_client is not { } client) return;
        try
        {
            await client.ReconnectAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            RenewalLog.ReconnectFailed(_log, ex.Message);
        }
    }

    /// <summary>Null when <paramref name="pem"/> is a certificate for this gateway's new key from its CA; else why not.</summary>
    private string? Verify(string? pem, ECDsa key, out X509Certificate2? renewed)
    {
        renewed = null;
        if (string.IsNullOrWhiteSpace(pem)) return "the answer carries neither a certificate nor an error";
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            return $"not a PEM certificate ({ex.Message})";
        }
        using (certificate)
        {
            var expected = "CN=" + _runtime.Config.GatewayId;
            if (certificate.Subject != expected) return $"its subject is '{certificate.Subject}', not '{expected}'";
            if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                return "its public key is not the key this gateway just made";
            var now = _runtime.Time.GetUtcNow();
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            if (!chain.Build(certificate) || chain.ChainElements[^1].Certificate.Thumbprint != _ca.Thumbprint)
            {
                var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0));
                return $"it does not chain to the CA this gateway was given ({_ca.Subject}){(status.Length > 0 ? ": " + status : "")}";
            }
            renewed = certificate.CopyWithPrivateKey(key);
            return null;
        }
    }

    private void Confirm(X509Certificate2 renewed)
    {
        X509Certificate2 old;
        try
        {
            _files.Commit();
        }
        catch (IOException ex)
        {
            // Connected with it, but not on the card: keep using it now; the next start uses the old pair, which is still valid.
            RenewalLog.ReconnectFailed(_log, $"the renewed certificate could not be made the one in force: {ex.Message}");
        }
        lock (_gate)
        {
            old = _current;
            _current = renewed;
        }
        var notAfter = new DateTimeOffset(renewed.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        _runtime.CertificateNotAfter = notAfter;
        RenewalLog.Renewed(_log, renewed.SerialNumber, notAfter);
        _ = _outbox.AddEventAsync(new GatewayEvent(EventTypes.CertificateRenewed, null, _runtime.Time.GetUtcNow(), $"client certificate renewed; valid until {notAfter:yyyy-MM-dd}",
            new Dictionary<string, string>
            {
                ["serial"] = renewed.SerialNumber,
                ["previousSerial"] = old.SerialNumber,
                ["notAfter"] = notAfter.ToString("O", CultureInfo.InvariantCulture),
            }));
        old.Dispose();
    }

    private async Task AbandonTrialAsync(X509Certificate2 renewed)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_trial, renewed)) return;
            _trial = null;
            _trialTimer?.Dispose();
        }
        try
        {
            _files.DiscardStaged();
        }
        catch (IOException)
        {
            // Dropped at the next start (RecoverAtStart).
        }
        await FailedAsync($"the broker did not accept the renewed certificate (serial {renewed.SerialNumber}) within {TrialTimeout.TotalSeconds:0} s; the previous certificate is used again").ConfigureAwait(false);
        renewed.Dispose();
        await ReconnectAsync().ConfigureAwait(false);
    }

    private async Task FailedAsync(string cause)
    {
        RenewalLog.Failed(_log, cause);
        try
        {
            await _outbox.AddEventAsync(new GatewayEvent(EventTypes.CertificateRenewalFailed, null, _runtime.Time.GetUtcNow(), cause)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            RenewalLog.Failed(_log, $"event not stored: {ex.Message}");
        }
    }

    public void Dispose()
    {
        _check?.Dispose();
        _trialTimer?.Dispose();
        _pending?.Key.Dispose();
    }

    private sealed record PendingRequest(string RequestId, ECDsa Key, DateTimeOffset At);
}
