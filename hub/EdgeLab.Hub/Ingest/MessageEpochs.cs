using System.Data.Common;
using Dapper;
using EdgeLab.Hub.Linking;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// What the hub knows of each gateway's outbox epochs (table <c>gateway_epoch</c>, migration 0006): which epochs it has
/// used and the highest sequence seen in each. A new epoch of a known gateway is a reinstall or a replaced store —
/// legitimate, so accepted, recorded and alerted. A new message far below its epoch's highest sequence is alerted as a
/// regression (a store restored from an old backup keeps its epoch). Loaded once per batch for the batch's gateways.
/// </summary>
internal sealed class MessageEpochs
{
    /// <summary>
    /// How far below the highest sequence a new message may be before it is called a regression. Messages legitimately
    /// arrive out of order — hub nodes share a gateway's messages, and a gateway resends what a broker crash lost — but
    /// never by more than what a gateway has in flight plus a lost snapshot's worth.
    /// </summary>
    public const long RegressionSlack = 10_000;

    /// <summary>The key of ids in the old form, which carry no epoch.</summary>
    private const string NoEpoch = "";

    private readonly Dictionary<(string Gateway, string Epoch), long> _max = [];
    private readonly HashSet<(string Gateway, string Epoch)> _touched = [];
    private readonly HashSet<(string Gateway, string Epoch)> _new = [];
    private readonly HashSet<(string Gateway, string Epoch)> _regressed = [];

    public static async Task<MessageEpochs> LoadAsync(DbConnection c, DbTransaction tx, DatabaseDialect dialect, IReadOnlyCollection<string> gatewayIds, CancellationToken ct)
    {
        var epochs = new MessageEpochs();
        if (gatewayIds.Count == 0) return epochs;
        var rows = await c.QueryAsync<(string, string, long)>(new CommandDefinition(
            $"SELECT gateway_id, epoch, max_sequence FROM gateway_epoch WHERE {SqlLists.In(dialect, "gateway_id", "ids")}",
            new { ids = gatewayIds.ToArray() }, tx, cancellationToken: ct)).ConfigureAwait(false);
        foreach (var (gw, epoch, max) in rows) epochs._max[(gw, epoch)] = max;
        return epochs;
    }

    /// <summary>Records one message of the batch; <paramref name="fresh"/> = its id was claimed now (not a repeat).</summary>
    public void Observe(IngestEnvelope e, bool fresh, List<IngestAlert> alerts)
    {
        if (e.MessageId is not { } id) return;
        var key = (id.GatewayId, id.Epoch ?? NoEpoch);
        if (!_max.TryGetValue(key, out var max))
        {
            var others = _max.Keys.Where(k => k.Gateway == id.GatewayId).Select(k => k.Epoch.Length == 0 ? "(no epoch)" : k.Epoch).ToList();
            if (others.Count > 0)
                alerts.Add(new IngestAlert(IngestAlert.NewEpoch, id.GatewayId, id,
                    $"gateway '{id.GatewayId}' started outbox epoch '{id.Epoch ?? "(no epoch)"}' (a reinstall or a replaced store); earlier epochs: {string.Join(", ", others)}"));
            _max[key] = id.Sequence;
            _touched.Add(key);
            _new.Add(key);
            return;
        }
        if (fresh && id.Sequence + RegressionSlack < max && _regressed.Add(key))
            alerts.Add(new IngestAlert(IngestAlert.SequenceRegression, id.GatewayId, id,
                $"gateway '{id.GatewayId}' sent new sequence {id.Sequence} in epoch '{id.Epoch ?? "(no epoch)"}' whose highest is {max}: a store restored from an old copy?"));
        if (id.Sequence > max) _max[key] = id.Sequence;
        _touched.Add(key);
    }

    /// <summary>
    /// Upserts the epochs this batch touched (a handful of rows: one per gateway and epoch); with
    /// <paramref name="onlyNew"/> only those no committed row knew, and without touching an existing row (no row lock).
    /// </summary>
    public async Task SaveAsync(DbConnection c, DbTransaction tx, DatabaseDialect dialect, long nowMs, bool onlyNew, CancellationToken ct)
    {
        if (onlyNew)
        {
            if (_new.Count == 0) return;
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO gateway_epoch(gateway_id, epoch, first_seen, last_seen, max_sequence) VALUES (@gw, @epoch, @now, @now, @max) ON CONFLICT (gateway_id, epoch) DO NOTHING",
                _new.Order().Select(k => new { gw = k.Gateway, epoch = k.Epoch, now = nowMs, max = _max[k] }), tx, cancellationToken: ct)).ConfigureAwait(false);
            return;
        }
        if (_touched.Count == 0) return;
        // Two hub nodes may move one epoch at once: keep the larger maximum (SQLite's scalar MAX, PostgreSQL's GREATEST).
        var larger = dialect == DatabaseDialect.Sqlite ? "MAX" : "GREATEST";
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO gateway_epoch(gateway_id, epoch, first_seen, last_seen, max_sequence) VALUES (@gw, @epoch, @now, @now, @max) " +
            $"ON CONFLICT (gateway_id, epoch) DO UPDATE SET last_seen = excluded.last_seen, max_sequence = {larger}(gateway_epoch.max_sequence, excluded.max_sequence)",
            _touched.Order().Select(k => new { gw = k.Gateway, epoch = k.Epoch, now = nowMs, max = _max[k] }), tx, cancellationToken: ct)).ConfigureAwait(false);
    }
}
