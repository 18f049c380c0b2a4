using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeLab.Hub.Store.Sqlite;

/// <summary>
/// The few SQLite C functions the ingest hot path calls directly (https://sqlite.org/c3ref/). The library is the same
/// <c>e_sqlite3</c> that Microsoft.Data.Sqlite loads (one copy per process: its POSIX locks must not be split between
/// two copies), so a statement prepared here runs on a connection opened there.
/// </summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    public const int Ok = 0;
    public const int Row = 100;
    public const int Done = 101;

    /// <summary>SQLITE_TRANSIENT: SQLite copies the bound bytes before the bind call returns.</summary>
    public static readonly IntPtr Transient = new(-1);

    [LibraryImport(Library)]
    public static partial int sqlite3_prepare_v2(IntPtr db, byte* sql, int bytes, out IntPtr statement, IntPtr tail);

    // Binds are short, never block and never call back into .NET: no GC transition needed.
    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_int64(IntPtr statement, int index, long value);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_double(IntPtr statement, int index, double value);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_null(IntPtr statement, int index);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_bind_text(IntPtr statement, int index, byte* text, int bytes, IntPtr destructor);

    [LibraryImport(Library)]
    public static partial int sqlite3_step(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_reset(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_finalize(IntPtr statement);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_changes(IntPtr db);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial long sqlite3_column_int64(IntPtr statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial byte* sqlite3_column_text(IntPtr statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_column_bytes(IntPtr statement, int column);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int sqlite3_column_type(IntPtr statement, int column);

    public const int NullType = 5;

    [LibraryImport(Library)]
    public static partial IntPtr sqlite3_errmsg(IntPtr db);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string ErrorMessage(IntPtr db) => Marshal.PtrToStringUTF8(sqlite3_errmsg(db)) ?? "unknown SQLite error";
}
