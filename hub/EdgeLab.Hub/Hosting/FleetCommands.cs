using System.CommandLine;
using System.Globalization;
using EdgeLab.Hub.Store.Fleet;

namespace EdgeLab.Hub.Hosting;

/// <summary>
/// <c>config set|show|diff</c> and <c>gateways command|groups</c> (issue 12 §2, §5). They write the hub's tables; a
/// running hub node's grains publish what changed within a second (<c>Grains/GrainWakeup</c>), so these work against a
/// live cluster as well as before its start. Actor: <c>cli:{user}</c>.
/// </summary>
internal static class FleetCommands
{
    private static string Actor => "cli:" + Environment.UserName;

    public static Command Config()
    {
        var scope = new Option<string>("--scope") { Description = "The layer: facility:F, lab:L, model:M, label:T or gateway:GW", Required = true };
        var file = new Option<string>("--file") { Description = "A JSON object: the part of the gateway configuration this layer sets (null removes a key)", Required = true };
        var set = new Command("set", "Set a configuration layer; every gateway it applies to gets a new desired version if its document changed") { scope, file };
        set.SetAction(async (result, ct) =>
        {
            await using var cli = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var change = await Store(cli).SetLayerAsync(ParseScope(result.GetValue(scope)!), await File.ReadAllTextAsync(result.GetValue(file)!, ct).ConfigureAwait(false), Actor, ct).ConfigureAwait(false);
            Console.WriteLine(change.Changed ? $"layer {change.Scope} revision {change.Revision}" : $"layer {change.Scope} unchanged (revision {change.Revision})");
            foreach (var v in change.NewVersions) Console.WriteLine($"{v.GatewayId}\tdesired version {v.Version}");
            return 0;
        });

        var gateway = new Option<string?>("--gateway") { Description = "Gateway id: its effective (desired) document, versions and drift" };
        var layer = new Option<string?>("--layer") { Description = "Show one layer instead, e.g. lab:lab-1" };
        var show = new Command("show", "Show a gateway's desired configuration against what it reports, or one layer; without options, every gateway's versions") { gateway, layer };
        show.SetAction(async (result, ct) =>
        {
            await using var cli = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var store = Store(cli);
            if (result.GetValue(layer) is { } l)
            {
                var found = await store.GetLayerAsync(ParseScope(l), ct).ConfigureAwait(false) ?? throw new ArgumentException($"layer {l} is not set");
                Console.WriteLine($"# {found.Scope} revision {found.Revision}, {found.ChangedAt:O} by {found.ChangedBy}");
                Console.WriteLine(found.Document.ToJsonString(Indented));
                return 0;
            }
            if (result.GetValue(gateway) is { } id)
            {
                var s = await store.GetStateAsync(id, ct).ConfigureAwait(false) ?? throw new ArgumentException($"gateway '{id}' is not registered");
                Console.WriteLine($"# {Line(s)}");
                if (s.Layers.Count > 0) Console.WriteLine($"# layers: {string.Join(", ", s.Layers)}");
                if (s.LastRejection is { } r) Console.WriteLine($"# last rejected: {r}");
                if (s.Document is { } d) Console.WriteLine(d.ToJsonString(Indented));
                return 0;
            }
            foreach (var s in await store.ListStatesAsync(null, ct).ConfigureAwait(false)) Console.WriteLine(Line(s));
            return 0;
        });

        var diffGateway = new Option<string>("--gateway") { Description = "Gateway id", Required = true };
        var from = new Option<long?>("--from") { Description = "Version to compare from (default: the version the gateway reports in force)" };
        var to = new Option<long?>("--to") { Description = "Version to compare to (default: the latest desired)" };
        var diff = new Command("diff", "What changes between two desired versions — by default what the gateway runs against what it should") { diffGateway, from, to };
        diff.SetAction(async (result, ct) =>
        {
            await using var cli = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var store = Store(cli);
            var id = result.GetValue(diffGateway)!;
            var s = await store.GetStateAsync(id, ct).ConfigureAwait(false) ?? throw new ArgumentException($"gateway '{id}' is not registered");
            var fromVersion = result.GetValue(from) ?? s.ReportedVersion;
            var toVersion = result.GetValue(to) ?? s.DesiredVersion ?? throw new ArgumentException($"gateway '{id}' has no desired configuration; set a layer first (config set)");
            var before = fromVersion is { } f ? await store.GetVersionAsync(id, f, ct).ConfigureAwait(false) : null;
            var after = await store.GetVersionAsync(id, toVersion, ct).ConfigureAwait(false) ?? throw new ArgumentException($"gateway '{id}' has no desired version {toVersion}");
            Console.WriteLine($"# {id}: version {(fromVersion?.ToString(CultureInfo.InvariantCulture) ?? "none")}{(before is null && fromVersion is not null ? " (not issued by this hub: shown as empty)" : "")} → {toVersion}");
            foreach (var change in ConfigDiff.Between(before, after)) Console.WriteLine(change);
            return 0;
        });
        return new Command("config", "Desired configuration of gateways, by layer (facility < lab < model < label < gateway)") { set, show, diff };
    }

    /// <summary><c>gateways command</c> and <c>gateways groups</c>, added under <c>gateways</c>.</summary>
    public static IEnumerable<Command> GatewaySubcommands()
    {
        var id = new Option<string>("--id") { Description = "Gateway id", Required = true };
        var name = new Option<string>("--name") { Description = "ping, restart, fetch-logs, resend, redetect, renew-certificate or reboot", Required = true };
        var args = new Option<string[]>("--arg") { Description = "Command argument key=value (repeatable), e.g. lines=500, maxBytes=65536, fromSequence=120", AllowMultipleArgumentsPerToken = false };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the gateway's reply before the command times out", DefaultValueFactory = _ => 30 };
        var command = new Command("command", "Send a command to a gateway through the running hub and wait for its result (exit 0 ok, 1 failed or timed out)") { id, name, args, timeout };
        command.SetAction(async (result, ct) =>
        {
            await using var cli = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var store = new GatewayCommandStore(cli.Database, TimeProvider.System);
            var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var a in result.GetValue(args) ?? [])
            {
                var eq = a.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new ArgumentException($"--arg '{a}' is not key=value");
                parsed[a[..eq]] = a[(eq + 1)..];
            }
            var sent = await store.RequestAsync(result.GetValue(id)!, result.GetValue(name)!, parsed, TimeSpan.FromSeconds(result.GetValue(timeout)), Actor, ct).ConfigureAwait(false);
            Console.Error.WriteLine($"command {sent.Id} queued; waiting up to {result.GetValue(timeout)} s for the gateway");
            while (true)
            {
                await Task.Delay(250, ct).ConfigureAwait(false);
                var now = await store.GetAsync(sent.Id, ct).ConfigureAwait(false);
                if (now is { IsFinished: true })
                {
                    Console.WriteLine($"{GatewayCommandStore.StateText(now.State)}\t{now.ReplyText}");
                    foreach (var (k, v) in now.ReplyData ?? new Dictionary<string, string>()) Console.WriteLine($"{k}\t{v}");
                    return now.State == CommandState.Ok ? 0 : 1;
                }
                // No hub node running: nobody will expire it either.
                if (DateTimeOffset.UtcNow > sent.TimeoutAt + TimeSpan.FromSeconds(5))
                {
                    await store.ExpireAsync(ct).ConfigureAwait(false);
                }
            }
        });

        var groupsId = new Option<string>("--id") { Description = "Gateway id", Required = true };
        var model = new Option<string?>("--model") { Description = "The box model, e.g. rpi4-2g (matches model:… layers)" };
        var labels = new Option<string?>("--labels") { Description = "Comma-separated labels, e.g. rural,pilot (match label:… layers)" };
        var groups = new Command("groups", "Set a gateway's box model and labels; its desired configuration follows") { groupsId, model, labels };
        groups.SetAction(async (result, ct) =>
        {
            await using var cli = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var list = (result.GetValue(labels) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var v = await Store(cli).SetGroupsAsync(result.GetValue(groupsId)!, new GatewayGroups(result.GetValue(model), list), Actor, ct).ConfigureAwait(false);
            Console.WriteLine(v is null ? "groups set; desired configuration unchanged" : $"groups set; desired version {v.Version}");
            return 0;
        });
        return [command, groups];
    }

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static FleetConfigStore Store(CliScope cli) => new(cli.Database, TimeProvider.System);

    private static ConfigScope ParseScope(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) throw new ArgumentException($"--scope '{text}' is not kind:value (facility:F, lab:L, model:M, label:T, gateway:GW)");
        return ConfigScope.Parse(text[..colon], text[(colon + 1)..]);
    }

    private static string Line(GatewayConfigState s) =>
        $"{s.GatewayId}\tdesired {(s.DesiredVersion?.ToString(CultureInfo.InvariantCulture) ?? "-")}\tpublished {(s.PublishedVersion?.ToString(CultureInfo.InvariantCulture) ?? "-")}" +
        $"\treported {(s.ReportedVersion?.ToString(CultureInfo.InvariantCulture) ?? "-")}\t{(s.DesiredVersion is null ? "no desired configuration" : s.Drift ? "DRIFT" : "in sync")}";
}
