using System.CommandLine;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Hosting;

/// <summary>The command-line options shared by every command (recursive: accepted after any subcommand).</summary>
internal static class HubOptions
{
    public static readonly Option<string> Data = new("--data")
    {
        Description = "Folder for the SQLite database (hub.db)",
        DefaultValueFactory = _ => "data",
        Recursive = true,
    };

    public static readonly Option<string> Provider = new("--database-provider")
    {
        Description = "sqlite (default: a file in --data) or postgres (needs --connection-string)",
        DefaultValueFactory = _ => "sqlite",
        Recursive = true,
    };

    public static readonly Option<string?> ConnectionString = new("--connection-string")
    {
        Description = "PostgreSQL connection string, e.g. 'Host=127.0.0.1;Port=5432;Username=edgelab;Database=edgelab'",
        Recursive = true,
    };

    public static readonly Option<string?> CatalogFile = new("--catalog")
    {
        Description = "Test catalog YAML to use instead of the built-in regional catalog",
        Recursive = true,
    };

    static HubOptions() => Provider.AcceptOnlyFromAmong("sqlite", "postgres");

    public static void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Provider);
        command.Options.Add(ConnectionString);
        command.Options.Add(CatalogFile);
    }

    public static HubStorageOptions Storage(ParseResult result)
    {
        var provider = result.GetValue(Provider) == "postgres" ? DatabaseDialect.Postgres : DatabaseDialect.Sqlite;
        var connection = result.GetValue(ConnectionString);
        if (provider == DatabaseDialect.Postgres && string.IsNullOrWhiteSpace(connection))
            throw new ArgumentException("--database-provider postgres needs --connection-string, e.g. 'Host=127.0.0.1;Port=5432;Username=edgelab;Database=edgelab'");
        return new HubStorageOptions { Provider = provider, DataDirectory = result.GetValue(Data)!, ConnectionString = connection };
    }
}
