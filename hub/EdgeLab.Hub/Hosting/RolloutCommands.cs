using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeLab.Hub.Api;
using EdgeLab.Hub.Fleet.Rollouts;
using EdgeLab.Hub.Store.Fleet.Rollouts;

namespace EdgeLab.Hub.Hosting;

/// <summary>
/// <c>rollouts start|list|show|pause|resume|abort</c> (issue 12 §3). They write the hub's tables; a running hub node's
/// rollout grain picks the change up within a second (<c>Grains/GrainWakeup</c>). Actor: <c>cli:{user}</c>.
/// </summary>
internal static class RolloutCommands
{
    private static string Actor => "cli:" + Environment.UserName;

    public static Command Rollouts()
    {
        var scope = new Option<string>("--scope") { Description = "The layer to change, and so the target: facility:F, lab:L, model:M, label:T or gateway:GW", Required = true };
        var file = new Option<string>("--file") { Description = "The layer's new document: a JSON object, part of the gateway configuration", Required = true };
        var waves = new Option<string>("--waves") { Description = "Comma-separated waves: cumulative percentages and/or groups, e.g. 10%,50%,100% or label:pilot,100%", Required = true };
        var watch = new Option<int>("--watch") { Description = "Seconds each gateway must stay healthy after it reports the new version", DefaultValueFactory = _ => 300 };
        var reportTimeout = new Option<int>("--report-timeout") { Description = "Seconds a gateway has to report the new version healthy", DefaultValueFactory = _ => 600 };
        var success = new Option<double>("--success-threshold") { Description = "Fraction of a wave that must stay healthy for the next wave to start", DefaultValueFactory = _ => 1.0 };
        var error = new Option<double>("--error-threshold") { Description = "Fraction of a wave whose failure stops the rollout and rolls the wave back (failures above it)", DefaultValueFactory = _ => 0.0 };
        var outboxAge = new Option<int>("--outbox-age-limit") { Description = "Seconds the oldest unsent result may age (when the outbox grew) before a gateway counts as unhealthy", DefaultValueFactory = _ => 120 };
        var start = new Command("start", "Start a rollout of a configuration layer change in waves, with the lab's health as the success criterion")
            { scope, file, waves, watch, reportTimeout, success, error, outboxAge };
        start.SetAction(async (result, ct) =>
        {
            await using var cli = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var text = await File.ReadAllTextAsync(result.GetValue(file)!, ct).ConfigureAwait(false);
            var document = JsonNode.Parse(text) as JsonObject ?? throw new ArgumentException($"--file {result.GetValue(file)}: not a JSON object");
            var plan = new RolloutStartBody
            {
                Waves = result.GetValue(waves)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                WatchSeconds = result.GetValue(watch),
                ReportTimeoutSeconds = result.GetValue(reportTimeout),
                SuccessThreshold = result.GetValue(success),
                ErrorThreshold = result.GetValue(error),
                OutboxAgeLimitSeconds = result.GetValue(outboxAge),
            }.ToPlan();
            var rollout = await Store(cli).StartAsync(new ConfigLayerPayload(RolloutEndpoints.ParseScope(result.GetValue(scope)), document), plan, Actor, ct).ConfigureAwait(false);
            Console.WriteLine($"rollout {rollout.Id} started: {rollout.Payload.Target} in waves {string.Join(", ", rollout.Plan.Waves)}");
            return 0;
        });

        var list = new Command("list", "Every rollout with its state and per-wave progress");
        list.SetAction(async (result, ct) =>
        {
            await using var cli = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            foreach (var r in await Store(cli).ListAsync(ct).ConfigureAwait(false)) Console.WriteLine(Line(RolloutItem.From(r, detail: false)));
            return 0;
        });

        var showId = new Option<string>("--id") { Description = "Rollout id", Required = true };
        var show = new Command("show", "A rollout's waves, each gateway's state and the history of who did what") { showId };
        show.SetAction(async (result, ct) =>
        {
            await using var cli = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var r = await Store(cli).GetAsync(result.GetValue(showId)!, ct).ConfigureAwait(false) ?? throw new ArgumentException($"rollout '{result.GetValue(showId)}' does not exist; see 'rollouts list'");
            var item = RolloutItem.From(r, detail: true);
            Console.WriteLine(Line(item));
            if (item.Reason is { } reason) Console.WriteLine($"# {reason}");
            foreach (var w in item.Waves)
                Console.WriteLine($"wave {w.Number} ({w.Spec}): {w.Gateways} gateway(s), {w.Applying} applying, {w.Watching} watching, {w.Healthy} healthy, {w.Failed} failed, {w.RolledBack} rolled back");
            foreach (var g in item.Gateways!)
                Console.WriteLine($"{g.GatewayId}\twave {g.Wave}\t{g.State}\tversion {g.DesiredVersion}{(g.RollbackVersion is { } b ? $" → {b}" : "")}\t{g.Reason}");
            foreach (var h in item.History!)
                Console.WriteLine($"{h.At:O}\t{h.Actor}\t{h.Action}{(h.GatewayId is null ? "" : " " + h.GatewayId)}{(h.Text is null ? "" : ": " + h.Text)}");
            return 0;
        });
        return new Command("rollouts", "Configuration rollouts in waves, watched by the lab's health (instrument links, outbox, quarantine)")
            { start, list, show, Act("pause", "Pause a running rollout: no new wave starts", RolloutAction.Pause), Act("resume", "Resume a paused rollout", RolloutAction.Resume),
              Act("abort", "Abort a rollout: the current wave's gateways get the previous document back", RolloutAction.Abort) };
    }

    private static Command Act(string name, string description, RolloutAction action)
    {
        var id = new Option<string>("--id") { Description = "Rollout id", Required = true };
        var command = new Command(name, description) { id };
        command.SetAction(async (result, ct) =>
        {
            await using var cli = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var changed = await Store(cli).ActAsync(result.GetValue(id)!, action, Actor, ct).ConfigureAwait(false);
            Console.WriteLine($"rollout {result.GetValue(id)}: {name} done");
            foreach (var v in changed) Console.WriteLine($"{v.GatewayId}\trolled back: desired version {v.Version}");
            return 0;
        });
        return command;
    }

    private static string Line(RolloutItem r) =>
        $"{r.Id}\t{r.State}\t{r.Scope}\twave {r.CurrentWave.ToString(CultureInfo.InvariantCulture)}/{r.Waves.Count}\t" +
        string.Join(" ", r.Waves.Select(w => $"[{w.Spec}: {w.Healthy}/{w.Gateways} ok{(w.Failed + w.RolledBack > 0 ? $", {w.Failed + w.RolledBack} failed" : "")}]")) + $"\t{r.CreatedBy}";

    private static RolloutStore Store(CliScope cli) => new(cli.Database, TimeProvider.System);
}
