using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLab.Hub.Store.Fleet;

namespace EdgeLab.Hub.Fleet.Alerts;

/// <summary>The body POSTed for a fleet alert's raise or clear.</summary>
internal sealed record FleetAlertWebhook(string Event, long AlertId, string GatewayId, string Kind, string? Subject, string Detail,
    DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FleetAlertWebhook))]
internal sealed partial class FleetAlertWebhookJson : JsonSerializerContext;

/// <summary>
/// POSTs each raise and clear to <see cref="FleetAlertOptions.WebhookUrl"/> as JSON, with the notice's
/// <c>Idempotency-Key</c> (as the critical-value webhooks) and, when a secret is configured, a signature a receiver can
/// check: <c>X-EdgeLab-Signature: t={unix seconds},v1={hex HMAC-SHA256(secret, "{t}.{body}")}</c> — the time inside
/// the signed text lets the receiver refuse a replay of an old request. Any 2xx is accepted; anything else is retried.
/// </summary>
internal sealed class WebhookAlertChannel(IHttpClientFactory http, FleetAlertOptions options, TimeProvider time) : IAlertChannel
{
    public const string SignatureHeader = "X-EdgeLab-Signature";

    public string Name => "webhook";

    public bool Enabled => options.WebhookUrl is not null;

    public async Task<string?> SendAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        if (options.WebhookUrl is not { } url) return "no webhookUrl configured (run --fleet-alerts FILE)";
        var a = notice.Alert;
        var body = JsonSerializer.SerializeToUtf8Bytes(new FleetAlertWebhook("fleet-alert-" + notice.Event, a.Id, a.GatewayId, a.Kind.Text(),
            a.Subject.Length == 0 ? null : a.Subject, a.Detail, a.RaisedAt, a.ClearedAt), FleetAlertWebhookJson.Default.FleetAlertWebhook);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(Ingest.NotificationDelivery.IdempotencyHeader, notice.IdempotencyKey);
        if (options.WebhookSecret is { } secret) request.Headers.Add(SignatureHeader, Sign(secret, time.GetUtcNow().ToUnixTimeSeconds(), body));
        try
        {
            using var response = await http.CreateClient(Ingest.NotificationDelivery.HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    /// <summary>The signature header's value for <paramref name="body"/> sent at <paramref name="unixSeconds"/>.</summary>
    public static string Sign(byte[] secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var signed = new byte[t.Length + 1 + body.Length];
        System.Text.Encoding.ASCII.GetBytes(t, signed);
        signed[t.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(t.Length + 1));
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(secret, signed))}";
    }
}
