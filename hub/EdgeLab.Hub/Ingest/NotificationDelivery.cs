using System.Globalization;
using System.Net.Http.Json;
using Dapper;
using EdgeLab.Hub.Store;
using Microsoft.Extensions.Logging;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Ingest;

/// <summary>The body POSTed to an organization's webhook: ids and codes only; the EMR reads the result through the API.</summary>
internal sealed record CriticalValueWebhook(string Event, long NotificationId, string ObservationId, string PatientId, string ReferralId, string Code, string Interpretation, DateTimeOffset CreatedAt);

/// <summary>
/// Delivers critical-value notifications to the ordering organization's webhook — only once the result is released
/// (<c>held = 0</c>, issue 13: nothing reaches the EMR as final before a lab doctor has seen it) — one attempt per due row, with
/// exponential backoff (1 s doubling to 5 min) recorded in the row until a 2xx. Who calls it and when is the
/// organization's grain (<c>Grains/OrganizationGrain</c>): one activation per organization, so there is no row-claim
/// lease any more. Two activations after a crash may both POST a row once: every request carries the notification's
/// id in <see cref="IdempotencyHeader"/> (stable across retries), so the receiver can drop the repeat.
/// </summary>
internal sealed class NotificationDelivery(IHubDatabase database, IHttpClientFactory http, TimeProvider time, ILogger<NotificationDelivery> logger)
{
    public const string HttpClientName = "edgelab-webhooks";

    /// <summary>
    /// The header naming the notification (draft-ietf-httpapi-idempotency-key-header): the same value on every retry of
    /// one notification, different for every notification.
    /// </summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private const int MaxPerPass = 50;

    /// <summary>The id a receiver dedupes on: <c>critical-value-{notification id}</c>.</summary>
    public static string IdempotencyKey(long notificationId) => "critical-value-" + notificationId.ToString(CultureInfo.InvariantCulture);

    /// <summary>One pass over every organization's due notifications (tests; the grains use the per-organization one).</summary>
    public Task<int> DeliverDueAsync(CancellationToken ct) => DeliverDueAsync(null, ct);

    /// <summary>One pass: every due notification of <paramref name="organizationId"/> (all when null) gets one attempt. Returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(string? organizationId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<(long Id, string Org, long ResultId, string PatientId, string ReferralId, string Code, string Interp, long Created, long Attempts, string? Hook)> due;
        await using (var c = await database.OpenAsync(ct).ConfigureAwait(false))
        {
            due = (await c.QueryAsync<(long, string, long, string, string, string, string, long, long, string?)>(new CommandDefinition(
                "SELECT n.id, n.org_id, n.result_id, n.patient_id, n.referral_id, n.catalog_code, n.interpretation, n.created_at, n.attempts, o.webhook_url " +
                "FROM critical_notification n LEFT JOIN organization o ON o.id = n.org_id " +
                "WHERE n.delivered_at IS NULL AND n.held = 0 AND n.next_attempt_at <= @now AND (@org IS NULL OR n.org_id = @org) ORDER BY n.id LIMIT " + MaxPerPass,
                new { now = Ms(now), org = organizationId }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        }
        var delivered = 0;
        foreach (var n in due)
        {
            string? error = null;
            if (n.Hook is null) error = "the organization has no webhook registered (edgelab-hub organizations add --webhook URL)";
            else
            {
                try
                {
                    var body = new CriticalValueWebhook("critical-value", n.Id, n.ResultId.ToString(CultureInfo.InvariantCulture), n.PatientId, n.ReferralId, n.Code, n.Interp, Time(n.Created));
                    using var request = new HttpRequestMessage(HttpMethod.Post, n.Hook) { Content = JsonContent.Create(body) };
                    request.Headers.Add(IdempotencyHeader, IdempotencyKey(n.Id));
                    using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode) error = $"HTTP {(int)response.StatusCode}";
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    error = ex.Message;
                }
            }
            var attempts = (int)n.Attempts + 1;
            await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
            if (error is null)
            {
                // delivered_at IS NULL: a second activation that also got a 2xx does not count it twice.
                var marked = await c.ExecuteAsync(new CommandDefinition("UPDATE critical_notification SET delivered_at = @now, attempts = @a, last_error = NULL WHERE id = @id AND delivered_at IS NULL",
                    new { id = n.Id, now = Ms(time.GetUtcNow()), a = (long)attempts }, cancellationToken: ct)).ConfigureAwait(false);
                if (marked == 0) continue;
                IngestLog.NotificationDelivered(logger, n.Id, n.Org);
                delivered++;
            }
            else
            {
                await c.ExecuteAsync(new CommandDefinition("UPDATE critical_notification SET attempts = @a, next_attempt_at = @next, last_error = @err WHERE id = @id AND delivered_at IS NULL",
                    new { id = n.Id, a = (long)attempts, next = Ms(time.GetUtcNow() + Backoff(attempts)), err = error }, cancellationToken: ct)).ConfigureAwait(false);
                IngestLog.NotificationFailed(logger, n.Id, n.Org, attempts, error);
            }
        }
        return delivered;
    }

    /// <summary>When the organization's next undelivered notification falls due, or null when none is left.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(string organizationId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        var next = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MIN(next_attempt_at) FROM critical_notification WHERE org_id = @org AND delivered_at IS NULL AND held = 0",
            new { org = organizationId }, cancellationToken: ct)).ConfigureAwait(false);
        return next is { } ms ? Time(ms) : null;
    }

    /// <summary>How long until <paramref name="due"/> on the clock the backoff was recorded with.</summary>
    public TimeSpan UntilDue(DateTimeOffset due) => due - time.GetUtcNow();

    /// <summary>The organizations that have a notification due now (the sweep wakes their grains).</summary>
    public async Task<IReadOnlyList<string>> OrganizationsDueAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct).ConfigureAwait(false);
        return (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT org_id FROM critical_notification WHERE delivered_at IS NULL AND held = 0 AND next_attempt_at <= @now",
            new { now = Ms(time.GetUtcNow()) }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
    }

    /// <summary>1 s after the first failure, doubling to 5 min.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(attempts - 1, 9))));
}
