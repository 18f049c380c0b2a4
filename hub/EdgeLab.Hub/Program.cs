using System.CommandLine;
using EdgeLab.Hub.Hosting;

var root = new RootCommand("EdgeLab regional hub: ingest of analyzer results over MQTT, storage, referrals, FHIR R4 API");
HubOptions.AddTo(root);
RunCommand.AddOptions(root);
root.SetAction(RunCommand.RunAsync);
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(AdminCommands.Migrate());
root.Subcommands.Add(AdminCommands.Organizations());
root.Subcommands.Add(GatewayCommands.Create());
root.Subcommands.Add(FleetCommands.Config());
root.Subcommands.Add(RolloutCommands.Rollouts());
root.Subcommands.Add(EnrolmentCommands.Ca());
root.Subcommands.Add(ClientsCommand.Create());
root.Subcommands.Add(UsersCommand.Create());
root.Subcommands.Add(AuditExportCommand.Create());
root.Subcommands.Add(ArchiveCommands.Create());
root.Subcommands.Add(SemdCommand.Create());

var parsed = root.Parse(args);
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or EdgeLab.Hub.Store.StoreValidationException or EdgeLab.Hub.Catalog.CatalogException or IOException)
{
    Console.Error.WriteLine($"edgelab-hub: {ex.Message}");
    return 2;
}
