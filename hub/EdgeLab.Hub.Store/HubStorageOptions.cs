namespace EdgeLab.Hub.Store;

/// <summary>Where the hub keeps its data: a SQLite file in <see cref="DataDirectory"/> (default) or PostgreSQL.</summary>
public sealed record HubStorageOptions
{
    public DatabaseDialect Provider { get; init; } = DatabaseDialect.Sqlite;
    /// <summary>SQLite: the folder holding <c>hub.db</c>.</summary>
    public string DataDirectory { get; init; } = "data";
    /// <summary>PostgreSQL: an Npgsql connection string (required for postgres).</summary>
    public string? ConnectionString { get; init; }

    public string SqlitePath => Path.Combine(DataDirectory, "hub.db");
}
