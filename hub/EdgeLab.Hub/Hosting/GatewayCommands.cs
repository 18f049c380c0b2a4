using System.CommandLine;
using EdgeLab.Hub.Broker;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Hosting;

/// <summary>
/// <c>gateways add|list|disable|enable|revoke|sync-broker</c> (and <c>enrol|accept|reject</c>, <see cref="EnrolmentCommands"/>): the registry side of device trust. Every change is
/// audited and, with <c>--broker-acl-file</c>, pushed to the broker at once (hub/ARCHITECTURE.md "Device trust").
/// </summary>
internal static class GatewayCommands
{
    public static readonly Option<string?> AclFile = new("--broker-acl-file")
    {
        Description = "Write Mosquitto's acl_file here after a change: only enabled gateways get their edgelab/v1/gw/<id>/# subtree",
        Recursive = true,
    };

    public static readonly Option<string?> AclBase = new("--broker-acl-base")
    {
        Description = "Lines copied to the top of the generated ACL (the hub users' rights), e.g. /etc/mosquitto/edgelab-hub.acl",
        Recursive = true,
    };

    public static readonly Option<string?> PasswordSource = new("--broker-password-source")
    {
        Description = "mosquitto_passwd file with every provisioned user (read only)",
        Recursive = true,
    };

    public static readonly Option<string?> PasswordFile = new("--broker-password-file")
    {
        Description = "Write Mosquitto's password_file here: the source without disabled and revoked gateways",
        Recursive = true,
    };

    public static readonly Option<string?> PidFile = new("--broker-pid-file")
    {
        Description = "Mosquitto's pid_file; the hub sends it SIGHUP so it reloads the files (connected clients whose user is gone are dropped)",
        Recursive = true,
    };

    public static Command Create()
    {
        var id = new Option<string>("--id") { Description = "Gateway id, e.g. tomsk-okb-gw01", Required = true };
        var lab = new Option<string>("--lab") { Description = "Id of the lab organization the gateway serves", Required = true };
        var add = new Command("add", "Register which lab a gateway serves (a new gateway is enabled)") { id, lab };
        add.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            await scope.Store.UpsertGatewayAsync(result.GetValue(id)!, result.GetValue(lab)!, ct).ConfigureAwait(false);
            Console.WriteLine($"gateway {result.GetValue(id)} serves {result.GetValue(lab)}");
            await SyncBrokerIfAskedAsync(result, scope, ct).ConfigureAwait(false);
            return 0;
        });

        var list = new Command("list", "List gateways with their lab, state (pending/enabled/disabled/revoked), last status, facility and certificate expiry");
        list.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            foreach (var g in await new GatewayEnrolmentStore(scope.Database, TimeProvider.System).ListAsync(ct).ConfigureAwait(false))
            {
                var why = g.StateReason is { } r ? $" ({r})" : "";
                var seen = g.State == GatewayState.Pending
                    ? (g.PendingSeenAt is { } at ? $"waiting since {at:O}" : "not connected yet")
                    : g.Online is null ? "never seen" : g.Online.Value ? "online" : "offline";
                var expiry = g.CertificateNotAfter is { } notAfter ? $"certificate until {notAfter:yyyy-MM-dd}" : "certificate not issued here";
                Console.WriteLine($"{g.GatewayId}\t{g.LabId}\t{StoreEncoding.Enum(g.State)}{why}\t{seen}\t{g.LastStatusAt:O}\t{g.Facility}\t{expiry}");
            }
            return 0;
        });

        var sync = new Command("sync-broker", "Write the broker's ACL (and password file) from the registry and signal the broker to reload");
        sync.SetAction(async (result, ct) =>
        {
            if (result.GetValue(AclFile) is null) throw new ArgumentException("sync-broker needs --broker-acl-file (and optionally --broker-password-source/--broker-password-file, --broker-pid-file)");
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            await SyncBrokerIfAskedAsync(result, scope, ct).ConfigureAwait(false);
            return 0;
        });

        var gateways = new Command("gateways", "Manage gateways: enrol, accept, reject, register, list, disable, enable, revoke (revoked is final)")
        {
            add, list,
            StateCommand("disable", GatewayState.Disabled, "Shut a gateway out for now (repair, lab closed): the broker refuses it and ingest stores nothing from it"),
            StateCommand("enable", GatewayState.Enabled, "Let a disabled gateway in again (a revoked one is refused)"),
            StateCommand("revoke", GatewayState.Revoked, "Shut a gateway out for good (stolen box, leaked key); cannot be undone"),
            sync,
        };
        foreach (var c in EnrolmentCommands.GatewayCommandsOf()) gateways.Subcommands.Add(c);
        foreach (var c in FleetCommands.GatewaySubcommands()) gateways.Subcommands.Add(c);
        foreach (var o in new Option[] { AclFile, AclBase, PasswordSource, PasswordFile, PidFile, EnrolmentCommands.CaDirectory, EnrolmentCommands.CaKey }) gateways.Options.Add(o);
        return gateways;
    }

    private static Command StateCommand(string name, GatewayState state, string description)
    {
        var id = new Option<string>("--id") { Description = "Gateway id, e.g. tomsk-okb-gw01", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why (kept with the state and shown by 'gateways list'); no patient data" };
        var command = new Command(name, description) { id, reason };
        command.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var gatewayId = result.GetValue(id)!;
            var changed = await States(scope).ChangeStateAsync(
                new GatewayStateChange(gatewayId, state, result.GetValue(reason), "cli:" + Environment.UserName), ct).ConfigureAwait(false);
            Console.WriteLine(changed ? $"gateway {gatewayId} {StoreEncoding.Enum(state)}" : $"gateway {gatewayId} is already {StoreEncoding.Enum(state)}");
            if (state == GatewayState.Revoked) await EnrolmentCommands.RevokeCertificateIfAskedAsync(result, scope, gatewayId, ct).ConfigureAwait(false);
            await SyncBrokerIfAskedAsync(result, scope, ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static GatewayStateStore States(CliScope scope) => new(scope.Database, TimeProvider.System);

    internal static async Task SyncBrokerIfAskedAsync(ParseResult result, CliScope scope, CancellationToken ct)
    {
        if (result.GetValue(AclFile) is not { } aclFile)
        {
            Console.Error.WriteLine("edgelab-hub: no --broker-acl-file: the broker was not updated (run 'gateways sync-broker' with the broker options)");
            return;
        }
        var options = new BrokerAccessOptions
        {
            AclFile = aclFile,
            AclBaseFile = result.GetValue(AclBase),
            PasswordSourceFile = result.GetValue(PasswordSource),
            PasswordFile = result.GetValue(PasswordFile),
            BrokerPidFile = result.GetValue(PidFile),
        };
        Console.WriteLine(await BrokerAccessSync.SyncAsync(options, States(scope), ct).ConfigureAwait(false));
    }
}
