using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Instruments.HostQuery;
using Microsoft.Data.Sqlite;

namespace EdgeLab.Gateway.OrderCache;

/// <summary>
/// The local copy of the lab's orders (DESIGN.md "Orders travel the other way"), in the gateway's SQLite file, filled
/// from the hub's <c>…/orders</c> and read by host queries — so a rural lab keeps working with its uplink down.
/// </summary>
/// <remarks>
/// Orders arrive at QoS 1 (maybe repeated, maybe out of order after a reconnect): each row keeps the hub's <c>at</c> and a
/// message older than what is stored is ignored, so a late upsert cannot resurrect a cancelled order.
/// </remarks>
internal sealed class SqliteOrderCache : IOrderCache, IDisposable
{
    public const string Upsert = "upsert";
    public const string Cancel = "cancel";

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private SqliteOrderCache(SqliteConnection connection) => _connection = connection;

    public static SqliteOrderCache Open(string databasePath)
    {
        var connection = OutboxDatabase.Open(databasePath);
        OutboxDatabase.EnsureSchema(connection);
        return new SqliteOrderCache(connection);
    }

    /// <summary>Applies an upsert or cancel; returns false (and changes nothing) when it is older than what is stored.</summary>
    /// <exception cref="ArgumentException">Unknown action or empty ids; names the field.</exception>
    public bool Apply(OrderMessage order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Action is not (Upsert or Cancel))
            throw new ArgumentException($"order {order.OrderId}: action \"{order.Action}\" is not upsert or cancel", nameof(order));
        if (string.IsNullOrWhiteSpace(order.SpecimenId)) throw new ArgumentException($"order {order.OrderId}: specimenId is empty", nameof(order));
        if (string.IsNullOrWhiteSpace(order.OrderId)) throw new ArgumentException("order: orderId is empty", nameof(order));
        var at = OutboxDatabase.UnixMs(order.At);
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            using (var newer = _connection.CreateCommand())
            {
                newer.Transaction = tx;
                newer.CommandText = "SELECT COUNT(*) FROM orders WHERE (specimen_id = $specimen OR order_id = $order) AND at > $at";
                newer.Parameters.AddWithValue("$specimen", order.SpecimenId);
                newer.Parameters.AddWithValue("$order", order.OrderId);
                newer.Parameters.AddWithValue("$at", at);
                if ((long)newer.ExecuteScalar()! > 0) return false;
            }
            using (var clear = _connection.CreateCommand())
            {
                // An order re-labelled to another tube leaves no row under its old specimen id.
                clear.Transaction = tx;
                clear.CommandText = "DELETE FROM orders WHERE order_id = $order AND specimen_id <> $specimen";
                clear.Parameters.AddWithValue("$order", order.OrderId);
                clear.Parameters.AddWithValue("$specimen", order.SpecimenId);
                clear.ExecuteNonQuery();
            }
            using (var upsert = _connection.CreateCommand())
            {
                upsert.Transaction = tx;
                upsert.CommandText = """
                    INSERT INTO orders (specimen_id, order_id, body, at, cancelled) VALUES ($specimen, $order, $body, $at, $cancelled)
                    ON CONFLICT(specimen_id) DO UPDATE SET order_id = excluded.order_id, body = excluded.body, at = excluded.at, cancelled = excluded.cancelled
                    """;
                upsert.Parameters.AddWithValue("$specimen", order.SpecimenId);
                upsert.Parameters.AddWithValue("$order", order.OrderId);
                upsert.Parameters.AddWithValue("$body", JsonSerializer.SerializeToUtf8Bytes(order, WireJson.Default.OrderMessage));
                upsert.Parameters.AddWithValue("$at", at);
                upsert.Parameters.AddWithValue("$cancelled", order.Action == Cancel ? 1 : 0);
                upsert.ExecuteNonQuery();
            }
            tx.Commit();
            return true;
        }
    }

    /// <inheritdoc />
    public ValueTask<CachedOrder?> FindBySpecimenAsync(string specimenId, CancellationToken cancellationToken)
    {
        byte[]? body;
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT body FROM orders WHERE specimen_id = $specimen AND cancelled = 0";
            cmd.Parameters.AddWithValue("$specimen", specimenId);
            body = cmd.ExecuteScalar() as byte[];
        }
        if (body is null) return ValueTask.FromResult<CachedOrder?>(null);
        var order = JsonSerializer.Deserialize(body, WireJson.Default.OrderMessage);
        return ValueTask.FromResult(order is null ? null : ToCached(order));
    }

    /// <summary>Orders held (not cancelled), for status and tests.</summary>
    public long Count()
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM orders WHERE cancelled = 0";
            return (long)cmd.ExecuteScalar()!;
        }
    }

    private static CachedOrder ToCached(OrderMessage o) => new()
    {
        OrderId = o.OrderId,
        SpecimenId = o.SpecimenId,
        PatientId = o.Patient?.Id,
        PatientFamilyName = o.Patient?.FamilyName,
        PatientGivenName = o.Patient?.GivenName,
        PatientSex = o.Patient?.Sex,
        PatientBirthDate = o.Patient?.BirthDate,
        Tests = o.Tests.Select(t => new CachedOrderTest(t.Code, t.InstrumentCodes)).ToList(),
        Priority = o.Priority,
        SpecimenType = o.SpecimenType,
        CollectedAt = o.CollectedAt,
    };

    public void Dispose() => _connection.Dispose();
}
