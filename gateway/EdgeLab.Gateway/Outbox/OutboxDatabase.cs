using EdgeLab.Contract;
using Microsoft.Data.Sqlite;

namespace EdgeLab.Gateway.Outbox;

/// <summary>
/// The gateway's one SQLite file: outbox, raw transcripts, quarantine and the order cache. Every connection is set to
/// WAL with <c>synchronous=FULL</c> (DESIGN.md guarantee 1): a commit returns only after the WAL is fsynced, so what an
/// analyzer was told is stored survives a power cut. Set on every connection because other SQLite builds differ.
/// </summary>
internal static class OutboxDatabase
{
    public const string FileName = "gateway.db";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS outbox_epoch (
            id            INTEGER PRIMARY KEY CHECK (id = 1), -- one row: the epoch of this store
            epoch         TEXT    NOT NULL,   -- random, made with the file: part of every message id (MessageId)
            created_at    INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS outbox (
            seq           INTEGER PRIMARY KEY AUTOINCREMENT,
            instrument_id TEXT    NOT NULL,
            kind          TEXT    NOT NULL,   -- result | event
            order_key     TEXT    NOT NULL,   -- instrument + specimen: what must reach the hub in sequence order
            payload       BLOB    NOT NULL,   -- UTF-8 JSON, exactly what is published
            size          INTEGER NOT NULL,   -- payload + transcript bytes, counted against the store limit
            created_at    INTEGER NOT NULL,   -- unix ms
            priority      INTEGER NOT NULL DEFAULT 1 -- 0 = STAT (published first, OutboxPriority), 1 = everything else
        );
        CREATE INDEX IF NOT EXISTS outbox_order_key ON outbox(order_key, seq);
        CREATE TABLE IF NOT EXISTS transcripts (
            seq           INTEGER PRIMARY KEY, -- the outbox sequence of the message it carried
            instrument_id TEXT    NOT NULL,
            raw           BLOB    NOT NULL,    -- bytes as they crossed the wire, both directions, in order
            chunks        TEXT    NOT NULL,    -- per chunk: unix ms, direction (0 from / 1 to instrument), length; ';'-separated
            sha256        TEXT    NOT NULL,
            created_at    INTEGER NOT NULL,
            acked_at      INTEGER              -- when the hub acknowledged; kept for the retention period after
        );
        CREATE INDEX IF NOT EXISTS transcripts_acked ON transcripts(acked_at) WHERE acked_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS quarantine (
            seq           INTEGER PRIMARY KEY, -- the outbox sequence of its 'quarantined' event
            instrument_id TEXT    NOT NULL,
            profile       TEXT    NOT NULL,
            protocol      TEXT    NOT NULL,
            error         TEXT    NOT NULL,
            raw           BLOB    NOT NULL,
            chunks        TEXT    NOT NULL,
            sha256        TEXT    NOT NULL,
            created_at    INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS last_message (
            instrument_id TEXT    PRIMARY KEY, -- superseded by recent_message (issue 10 item 5); read once to migrate
            content_sha256 TEXT   NOT NULL,
            seq           INTEGER NOT NULL,
            at            INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS recent_message (
            instrument_id  TEXT    NOT NULL, -- recognises an analyzer's repeat of any recent message (Outbox/RepeatWindow)
            content_sha256 TEXT    NOT NULL,
            seq            INTEGER NOT NULL,
            at             INTEGER NOT NULL,
            PRIMARY KEY (instrument_id, content_sha256)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO recent_message (instrument_id, content_sha256, seq, at)
            SELECT l.instrument_id, j.value, l.seq, l.at FROM last_message l, json_each('["' || replace(l.content_sha256, ',', '","') || '"]') j;
        DELETE FROM last_message;
        CREATE TABLE IF NOT EXISTS orders (
            specimen_id   TEXT    PRIMARY KEY,
            order_id      TEXT    NOT NULL,
            body          BLOB    NOT NULL,   -- the OrderMessage JSON as the hub sent it
            at            INTEGER NOT NULL,   -- the hub's time of this version; an older message never overwrites a newer one
            cancelled     INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS orders_order_id ON orders(order_id);
        """;

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> with the durability pragmas set.</summary>
    public static SqliteConnection Open(string path)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Each store owns its few long-lived connections; pooling would hand a connection's pragmas to strangers.
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Creates the tables on first use, with a fresh epoch; idempotent.</summary>
    public static void EnsureSchema(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Schema;
        cmd.ExecuteNonQuery();
        AddPriorityColumn(connection);
        // The epoch is made once, when the store is created (or first opened by this version), and never changes: a
        // wiped or replaced store gets a new one, so its restarted sequences never repeat an id the hub has seen.
        using var epoch = connection.CreateCommand();
        epoch.CommandText = "INSERT OR IGNORE INTO outbox_epoch (id, epoch, created_at) VALUES (1, $epoch, $at)";
        epoch.Parameters.AddWithValue("$epoch", MessageId.NewEpoch());
        epoch.Parameters.AddWithValue("$at", UnixMs(DateTimeOffset.UtcNow));
        epoch.ExecuteNonQuery();
    }

    /// <summary>
    /// A store made before STAT priority lacks the column: add it (existing rows are routine), then the index the
    /// STAT lane reads by, <c>(priority, seq)</c>, so finding the STAT rows in a 100,000-row backlog is one seek.
    /// </summary>
    private static void AddPriorityColumn(SqliteConnection connection)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = 'priority'";
        if ((long)probe.ExecuteScalar()! == 0)
        {
            using var alter = connection.CreateCommand();
            alter.CommandText = "ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1";
            alter.ExecuteNonQuery();
        }
        using var index = connection.CreateCommand();
        index.CommandText = "CREATE INDEX IF NOT EXISTS outbox_priority ON outbox(priority, seq)";
        index.ExecuteNonQuery();
    }

    /// <summary>The store's epoch (see <see cref="EnsureSchema"/>).</summary>
    public static string ReadEpoch(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT epoch FROM outbox_epoch WHERE id = 1";
        return (string)cmd.ExecuteScalar()!;
    }

    public static long UnixMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
