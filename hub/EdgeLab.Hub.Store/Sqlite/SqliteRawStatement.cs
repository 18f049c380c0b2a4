using System.Text;
using Microsoft.Data.Sqlite;
using static EdgeLab.Hub.Store.Sqlite.SqliteNative;

namespace EdgeLab.Hub.Store.Sqlite;

/// <summary>
/// A prepared statement executed many times in one transaction, with parameters bound by position (<c>?1, ?2 …</c>)
/// straight into SQLite. Microsoft.Data.Sqlite binds every parameter by name on every execution (a linear name search
/// in SQLite per parameter, a SafeHandle reference count per call, a boxed value per column); for the tens of thousands
/// of rows a batch writes that was a quarter of ingest's CPU time. Errors surface as <see cref="SqliteException"/>, as
/// from Microsoft.Data.Sqlite. Used only while the connection it was prepared on stays open.
/// </summary>
internal sealed unsafe class SqliteRawStatement : IDisposable
{
    private readonly IntPtr _db;
    private IntPtr _statement;
    private byte[] _text = new byte[256];

    public SqliteRawStatement(SqliteConnection connection, string sql)
    {
        _db = (connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open")).DangerousGetHandle();
        var utf8 = Encoding.UTF8.GetBytes(sql);
        fixed (byte* p = utf8)
            Check(sqlite3_prepare_v2(_db, p, utf8.Length, out _statement, IntPtr.Zero));
    }

    public void Bind(int index, long value) => Check(sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, long? value) => Check(value is { } v ? sqlite3_bind_int64(_statement, index, v) : sqlite3_bind_null(_statement, index));

    public void Bind(int index, double? value) => Check(value is { } v ? sqlite3_bind_double(_statement, index, v) : sqlite3_bind_null(_statement, index));

    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            Check(sqlite3_bind_null(_statement, index));
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_text.Length < max) _text = new byte[Math.Max(max, _text.Length * 2)];
        var length = Encoding.UTF8.GetBytes(value, _text);
        fixed (byte* p = _text)
            Check(sqlite3_bind_text(_statement, index, p, length, Transient));
    }

    /// <summary>Runs the statement to completion and readies it for the next row; returns the rows it changed.</summary>
    public int Execute()
    {
        var rc = sqlite3_step(_statement);
        if (rc is not (Done or Row))
        {
            var message = ErrorMessage(_db);
            sqlite3_reset(_statement);
            throw new SqliteException($"SQLite Error {rc}: '{message}'.", rc);
        }
        var changes = sqlite3_changes(_db);
        Check(sqlite3_reset(_statement));
        return changes;
    }

    /// <summary>Steps to the next row of a query; false (and ready to run again) when there is none.</summary>
    public bool Read()
    {
        var rc = sqlite3_step(_statement);
        if (rc == Row) return true;
        if (rc == Done)
        {
            Check(sqlite3_reset(_statement));
            return false;
        }
        var message = ErrorMessage(_db);
        sqlite3_reset(_statement);
        throw new SqliteException($"SQLite Error {rc}: '{message}'.", rc);
    }

    public long GetInt64(int column) => sqlite3_column_int64(_statement, column);

    public bool IsNull(int column) => sqlite3_column_type(_statement, column) == NullType;

    public string GetString(int column)
    {
        // column_text before column_bytes: the byte count is that of the UTF-8 text just produced (sqlite.org/c3ref/column_blob.html).
        var text = sqlite3_column_text(_statement, column);
        return text is null ? "" : Encoding.UTF8.GetString(text, sqlite3_column_bytes(_statement, column));
    }

    public void Dispose()
    {
        if (_statement == IntPtr.Zero) return;
        sqlite3_finalize(_statement);
        _statement = IntPtr.Zero;
    }

    private void Check(int rc)
    {
        if (rc != Ok) throw new SqliteException($"SQLite Error {rc}: '{ErrorMessage(_db)}'.", rc);
    }
}
