namespace EdgeLab.Hub.Store;

/// <summary>
/// "column is one of a list": Dapper expands <c>IN @list</c> into parameters for SQLite, but hands Npgsql the array as
/// one parameter (PostgreSQL arrays), which needs <c>= ANY(@list)</c>.
/// </summary>
public static class SqlLists
{
    public static string In(DatabaseDialect dialect, string column, string parameter) =>
        dialect == DatabaseDialect.Postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";
}
