using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Api;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Enrolment;

/// <summary>
/// Renewal over MQTT, the hub's half (issue 12 §1): answers a gateway's <c>…/cert-request</c> on its <c>…/cert</c>.
/// Signs only for an accepted (enabled) gateway and only its own identity (<see cref="DeviceCa.SignRequest"/>: the
/// CN must be the gateway id of the topic, which the broker's ACL already binds to the sender's certificate), records
/// the new serial and expiry in the registry (audited <c>renew</c>). Runs on hub nodes started with <c>--ca-dir</c>
/// whose CA key is at hand; a refusal is answered with the reason, never silently dropped.
/// </summary>
internal sealed partial class CertificateRenewalService(
    GatewayEnrolmentStore registry, DeviceCaLocation ca, TimeProvider time, ILogger<CertificateRenewalService> logger, HubMqttConnection? connection = null) : IHostedService
{
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(397);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (connection is not null) connection.CertificateRequestHandler = HandleAsync;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async ValueTask HandleAsync(MqttReceivedMessage message)
    {
        if (!Topics.TryParse(message.Topic, out var gatewayId, out _) || connection is null) return;
        try
        {
            var answer = await AnswerAsync(gatewayId, message.Payload, CancellationToken.None).ConfigureAwait(false);
            await connection.Client.PublishAsync(new MqttApplicationMessage
            {
                Topic = Topics.Certificate(gatewayId),
                Payload = JsonSerializer.SerializeToUtf8Bytes(answer, WireJson.Default.CertificateMessage),
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                ContentType = "application/json",
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never into the MQTT client's loop: the gateway asks again (its renewal window is days, not seconds).
            Refused(logger, gatewayId, "not answered: " + e.Message);
        }
    }

    /// <summary>The answer to one request from <paramref name="gatewayId"/> (the topic's id): a certificate or the reason it was refused.</summary>
    public async Task<CertificateMessage> AnswerAsync(string gatewayId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        CertificateRequestMessage? request = null;
        try
        {
            request = JsonSerializer.Deserialize(payload.Span, WireJson.Default.CertificateRequestMessage);
        }
        catch (JsonException)
        {
        }
        if (request is null || string.IsNullOrEmpty(request.Csr) || string.IsNullOrEmpty(request.RequestId))
            return Refuse(gatewayId, request?.RequestId ?? "", "the request is not an edgelab.cert-request/1 document with requestId and csr");
        if (request.GatewayId != gatewayId)
            return Refuse(gatewayId, request.RequestId, $"the request names gateway '{request.GatewayId}' but came on {gatewayId}'s topic");
        var entry = await registry.GetAsync(gatewayId, cancellationToken).ConfigureAwait(false);
        if (entry?.State != GatewayState.Enabled)
            return Refuse(gatewayId, request.RequestId, $"gateway '{gatewayId}' is {(entry is null ? "not registered" : StoreEncoding.Enum(entry.State))}; only an accepted gateway renews its certificate");
        try
        {
            using var certificate = DeviceCa.Open(ca.Directory, ca.KeyPath, time).SignRequest(gatewayId, request.Csr, Validity);
            await registry.RecordCertificateAsync(gatewayId, new CertificateStamp(DeviceCa.SerialHex(certificate), certificate.NotAfter.ToUniversalTime()),
                "mqtt:" + gatewayId, cancellationToken).ConfigureAwait(false);
            Renewed(logger, gatewayId, DeviceCa.SerialHex(certificate), certificate.NotAfter.ToUniversalTime());
            return new CertificateMessage { GatewayId = gatewayId, RequestId = request.RequestId, Certificate = certificate.ExportCertificatePem() + "\n" };
        }
        catch (DeviceCaException e)
        {
            return Refuse(gatewayId, request.RequestId, e.Message);
        }
    }

    private CertificateMessage Refuse(string gatewayId, string requestId, string reason)
    {
        Refused(logger, gatewayId, reason);
        return new CertificateMessage { GatewayId = gatewayId, RequestId = requestId, Error = reason };
    }

    [LoggerMessage(301, LogLevel.Information, "Certificate of gateway {GatewayId} renewed: serial {Serial}, valid until {NotAfter:O}")]
    private static partial void Renewed(ILogger logger, string gatewayId, string serial, DateTime notAfter);

    [LoggerMessage(302, LogLevel.Warning, "Certificate request of gateway {GatewayId} refused: {Reason}")]
    private static partial void Refused(ILogger logger, string gatewayId, string reason);
}
