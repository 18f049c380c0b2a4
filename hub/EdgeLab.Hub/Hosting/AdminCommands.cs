using System.CommandLine;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Hosting;

/// <summary><c>migrate</c>, <c>organizations add|list</c> (gateways: <see cref="GatewayCommands"/>).</summary>
internal static class AdminCommands
{
    public static Command Migrate()
    {
        var command = new Command("migrate", "Create or upgrade the database schema (also done by 'run')");
        command.SetAction(async (result, ct) =>
        {
            var database = HubServices.CreateDatabase(HubOptions.Storage(result));
            var applied = await database.MigrateAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"{database.Dialect}: {applied} migration(s) applied; schema is current.");
            if (database is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command Organizations()
    {
        var id = new Option<string>("--id") { Description = "Organization id: 3–64 of a-z 0-9 '-', e.g. tomsk-okb", Required = true };
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var kind = new Option<string>("--kind") { Description = "clinic or lab", DefaultValueFactory = _ => "clinic" };
        kind.AcceptOnlyFromAmong("clinic", "lab");
        var webhook = new Option<string?>("--webhook") { Description = "URL receiving critical-value notifications (POST, JSON)" };
        var add = new Command("add", "Add or update an organization (clinic or lab)") { id, name, kind, webhook };
        add.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            await scope.Store.UpsertOrganizationAsync(new Organization
            {
                Id = result.GetValue(id)!,
                Name = result.GetValue(name)!,
                Kind = result.GetValue(kind) == "lab" ? OrganizationKind.Lab : OrganizationKind.Clinic,
                WebhookUrl = result.GetValue(webhook),
            }, ct).ConfigureAwait(false);
            Console.WriteLine($"organization {result.GetValue(id)} saved");
            return 0;
        });
        var list = new Command("list", "List organizations");
        list.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            foreach (var o in await scope.Store.ListOrganizationsAsync(ct).ConfigureAwait(false))
                Console.WriteLine($"{o.Id}\t{StoreEncoding.Enum(o.Kind)}\t{o.Name}\t{o.WebhookUrl}");
            return 0;
        });
        return new Command("organizations", "Manage organizations (clinics and labs)") { add, list };
    }
}

/// <summary>Database + store for one CLI command, migrated first.</summary>
internal sealed class CliScope : IAsyncDisposable
{
    private CliScope(IHubDatabase database, HubStore store, Catalog.ITestCatalog catalog)
    {
        Database = database;
        Store = store;
        TestCatalog = catalog;
    }

    public IHubDatabase Database { get; }
    public HubStore Store { get; }
    public Catalog.ITestCatalog TestCatalog { get; }

    public static async Task<CliScope> OpenAsync(ParseResult result, CancellationToken ct)
    {
        var database = HubServices.CreateDatabase(HubOptions.Storage(result));
        await database.MigrateAsync(ct).ConfigureAwait(false);
        var catalogFile = result.GetValue(HubOptions.CatalogFile);
        var catalog = catalogFile is null ? Catalog.CatalogLoader.LoadEmbedded() : Catalog.CatalogLoader.LoadFile(catalogFile);
        return new CliScope(database, new HubStore(database, catalog, TimeProvider.System), catalog);
    }

    public async ValueTask DisposeAsync()
    {
        if (Database is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
    }
}
