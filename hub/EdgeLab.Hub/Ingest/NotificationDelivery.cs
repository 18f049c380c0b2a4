using System.Net.Http.Json;
using Dapper;
using EdgeLab.Hub.Store;
using Microsoft.Extensions.Logging;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Ingest;

/// <summary>The body POSTed to an organization's webhook: ids and codes only; the EMR reads the result through the API.</summary>
internal sealed record CriticalValueWebhook(string Event, long NotificationId, string ObservationId, string PatientId, string ReferralId, string Code, string Interpretation, DateTimeOffset CreatedAt);

/// <summary>
/// Delivers critical-value notifications to the ordering organization's webhook, retrying with exponential backoff
/// (1 s doubling to 5 min) until a 2xx. Rows are claimed by pushing their next attempt forward first, so several hub
/// nodes can run this side by side without delivering the same row at the same moment.
/// </summary>
internal sealed class NotificationDelivery(IHubDatabase database, IHttpClientFactory http, TimeProvider time, ILogger<NotificationDelivery> logger) : BackgroundService
{
    public const string HttpClientName = "edgelab-webhooks";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeliverDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                IngestLog.NotificationFailed(logger, 0, "(poll)", 0, ex.Message);
            }
            await Task.Delay(Poll, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One pass: every due notification gets one attempt. Returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<(long Id, string Org, long ResultId, string PatientId, string ReferralId, string Code, string Interp, long Created, long Attempts, string? Hook)> due;
        await using (var c = await database.OpenAsync(ct).ConfigureAwait(false))
        {
            due = (await c.QueryAsync<(long, string, long, string, string, string, string, long, long, string?)>(new CommandDefinition(
                "SELECT n.id, n.org_id, n.result_id, n.patient_id, n.referral_id, n.catalog_code, n.interpretation, n.created_at, n.attempts, o.webhook_url " +
                "FROM critical_notification n LEFT JOIN organization o ON o.id = n.org_id WHERE n.delivered_at IS NULL AND n.next_attempt_at <= @now ORDER BY n.id LIMIT 50",
                new { now = Ms(now) }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        }
        var delivered = 0;
        foreach (var n in due)
        {
            // Lease: claim by moving next_attempt_at; a node that loses the race skips the row.
            await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
            var claimed = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE critical_notification SET next_attempt_at = @lease WHERE id = @id AND delivered_at IS NULL AND next_attempt_at <= @now",
                new { id = n.Id, now = Ms(now), lease = Ms(now + Lease) }, cancellationToken: ct)).ConfigureAwait(false);
            if (claimed == 0) continue;
            string? error = null;
            if (n.Hook is null) error = "the organization has no webhook registered (edgelab-hub organizations add --webhook URL)";
            else
            {
                try
                {
                    var body = new CriticalValueWebhook("critical-value", n.Id, n.ResultId.ToString(System.Globalization.CultureInfo.InvariantCulture), n.PatientId, n.ReferralId, n.Code, n.Interp, Time(n.Created));
                    using var response = await http.CreateClient(HttpClientName).PostAsJsonAsync(n.Hook, body, ct).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode) error = $"HTTP {(int)response.StatusCode}";
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    error = ex.Message;
                }
            }
            var attempts = (int)n.Attempts + 1;
            if (error is null)
            {
                await c.ExecuteAsync(new CommandDefinition("UPDATE critical_notification SET delivered_at = @now, attempts = @a, last_error = NULL WHERE id = @id",
                    new { id = n.Id, now = Ms(time.GetUtcNow()), a = (long)attempts }, cancellationToken: ct)).ConfigureAwait(false);
                IngestLog.NotificationDelivered(logger, n.Id, n.Org);
                delivered++;
            }
            else
            {
                var backoff = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(attempts - 1, 9))));
                await c.ExecuteAsync(new CommandDefinition("UPDATE critical_notification SET attempts = @a, next_attempt_at = @next, last_error = @err WHERE id = @id",
                    new { id = n.Id, a = (long)attempts, next = Ms(time.GetUtcNow() + backoff), err = error }, cancellationToken: ct)).ConfigureAwait(false);
                IngestLog.NotificationFailed(logger, n.Id, n.Org, attempts, error);
            }
        }
        return delivered;
    }
}
