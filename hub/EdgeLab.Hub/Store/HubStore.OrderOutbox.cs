using System.Data.Common;
using System.Text.Json;
using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

internal sealed partial class HubStore
{
    private const string LeaseName = "orders";

    /// <summary>Pending orders, STAT first (migration 0010), then in sequence order.</summary>
    public async Task<IReadOnlyList<PendingOrder>> ListPendingOrdersAsync(int max, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<OrderOutboxRow>(Cmd(
            "SELECT seq, gateway_id, referral_id, specimen_id, action, payload, created FROM order_outbox ORDER BY priority, seq LIMIT @max",
            new { max = Math.Clamp(max, 1, MaxPageSize) }, cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new PendingOrder(r.seq, r.gateway_id, r.referral_id, r.specimen_id, r.action, r.payload, Time(r.created))).ToList();
    }

    public async Task DeleteOrderAsync(long seq, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Cmd("DELETE FROM order_outbox WHERE seq = @seq", new { seq }, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> TryTakeOrderLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var now = Now;
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var taken = await c.ExecuteAsync(Cmd(
            "UPDATE order_outbox_lease SET owner = @owner, expires_at = @until WHERE name = @name AND (owner = @owner OR owner IS NULL OR expires_at < @now)",
            new { owner, until = Ms(now + duration), now = Ms(now), name = LeaseName }, cancellationToken)).ConfigureAwait(false);
        return taken == 1;
    }

    /// <summary>
    /// Writes one outbox row per specimen and gateway of the performing lab, inside the caller's transaction. A lab
    /// with no gateway yet gets no rows: its gateways load the open orders when they are provisioned.
    /// </summary>
    private async Task EnqueueOrdersAsync(DbConnection c, DbTransaction tx, Patient patient, Referral referral, IReadOnlyList<Specimen> specimens,
        string action, CancellationToken ct)
    {
        var gateways = (await c.QueryAsync<string>(Cmd("SELECT id FROM gateway WHERE lab_id = @lab ORDER BY id", new { lab = referral.PerformingLabId }, ct, tx)).ConfigureAwait(false)).AsList();
        if (gateways.Count == 0) return;
        var now = Now;
        foreach (var message in OrderMessageFactory.Build(patient, referral, specimens, action, catalog, now))
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Default.OrderMessage);
            foreach (var gw in gateways)
            {
                await c.ExecuteAsync(Cmd(
                    "INSERT INTO order_outbox(gateway_id, referral_id, specimen_id, action, payload, created, priority) VALUES (@gw, @rid, @sid, @action, @payload, @now, @priority)",
                    new { gw, rid = referral.Id, sid = message.SpecimenId, action, payload, now = Ms(now), priority = message.Priority == "stat" ? 0 : 1 }, ct, tx)).ConfigureAwait(false);
            }
        }
    }
}
