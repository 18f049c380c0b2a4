using System.Data.Common;
using System.Text.Json;
using Dapper;
using EdgeLab.Contract;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store.Fleet;

/// <summary>Where a command is: pending (not yet published) → sent → ok | failed, or timed-out.</summary>
public enum CommandState
{
    Pending,
    Sent,
    Ok,
    Failed,
    TimedOut,
}

/// <summary>A command from the hub to one gateway (issue 12 §5), from request to result.</summary>
public sealed record GatewayCommand(
    string Id, string GatewayId, string Name, IReadOnlyDictionary<string, string> Args, CommandState State,
    DateTimeOffset RequestedAt, string RequestedBy, DateTimeOffset TimeoutAt, DateTimeOffset? SentAt, DateTimeOffset? FinishedAt,
    string? ReplyText, IReadOnlyDictionary<string, string>? ReplyData)
{
    public bool IsFinished => State is CommandState.Ok or CommandState.Failed or CommandState.TimedOut;
}

/// <summary>
/// The command ledger (migration 0071). The id is the MQTT 5 correlation data ([MQTT-3.3.2-12]: the responder copies it
/// into its response) so any hub node that receives a reply through the shared subscription finds its command. Every
/// request and every outcome — reply, refusal or timeout — is audited (<c>Gateway</c> / <c>command</c>,
/// <c>command-result</c>) in the same transaction. A reply that comes after the timeout changes nothing.
/// </summary>
public sealed class GatewayCommandStore(IHubDatabase database, TimeProvider time)
{
    /// <summary>What the hub may send (the gateway answers others with "unknown command").</summary>
    public static readonly IReadOnlyList<string> Known =
        [CommandNames.Ping, CommandNames.Restart, CommandNames.FetchLogs, CommandNames.Resend, CommandNames.Redetect, CommandNames.RenewCertificate, CommandNames.Reboot];

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>A reply's text is kept up to this many characters (fetch-logs is capped by the gateway; this bounds a misbehaving one).</summary>
    public const int MaxReplyText = WireLimits.MaxUplinkPayloadBytes;

    public async Task<GatewayCommand> RequestAsync(string gatewayId, string name, IReadOnlyDictionary<string, string> args, TimeSpan? timeout, string actor,
        CancellationToken cancellationToken = default)
    {
        if (!Known.Contains(name))
            throw new StoreValidationException($"command '{name}' is not one of {string.Join(", ", Known)}");
        var t = timeout ?? DefaultTimeout;
        if (t <= TimeSpan.Zero || t > MaxTimeout)
            throw new StoreValidationException($"timeout {t.TotalSeconds:0} s is not within 1 s … {MaxTimeout.TotalMinutes:0} min");
        foreach (var (key, value) in args)
        {
            if (key.Length is 0 or > 64 || value.Length > 1000 || key.Any(char.IsControl) || value.Any(char.IsControl))
                throw new StoreValidationException($"args.{key}: keys up to 64 and values up to 1000 characters, one line each");
        }
        var now = time.GetUtcNow();
        var command = new GatewayCommand(Guid.NewGuid().ToString("N"), gatewayId, name, args, CommandState.Pending, now, actor, now + t, null, null, null, null);
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var lab = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT lab_id FROM gateway WHERE id = @id", new { id = gatewayId }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false)
            ?? throw new StoreValidationException($"gateway '{gatewayId}' is not registered");
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO gateway_command(id, seq, gateway_id, name, args, state, requested_at, requested_by, timeout_at) " +
            "SELECT @id, COALESCE(MAX(seq), 0) + 1, @gw, @name, @args, 'pending', @at, @actor, @timeout FROM gateway_command",
            new { id = command.Id, gw = gatewayId, name, args = JsonSerializer.Serialize(args, FleetJson.Default.IReadOnlyDictionaryStringString), at = Ms(now), actor, timeout = Ms(command.TimeoutAt) },
            tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await AuditAsync(c, tx, Ms(now), actor, lab, "command", gatewayId, $"{name} {command.Id}", 202, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return command;
    }

    public async Task<GatewayCommand?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select + " WHERE id = @id", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToCommand();
    }

    public async Task<IReadOnlyList<GatewayCommand>> ListAsync(string gatewayId, int limit = 50, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<Row>(new CommandDefinition(Select + " WHERE gateway_id = @gatewayId ORDER BY seq DESC LIMIT @limit",
            new { gatewayId, limit }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => r.ToCommand()).ToList();
    }

    /// <summary>Commands not yet published and not timed out, oldest first (one gateway's grain).</summary>
    public async Task<IReadOnlyList<GatewayCommand>> ListPendingAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<Row>(new CommandDefinition(Select + " WHERE gateway_id = @gatewayId AND state = 'pending' AND timeout_at > @now ORDER BY seq",
            new { gatewayId, now = Ms(time.GetUtcNow()) }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => r.ToCommand()).ToList();
    }

    /// <summary>Gateways with a pending command (the grains' sweep).</summary>
    public async Task<IReadOnlyList<string>> ListGatewaysWithPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<string>(new CommandDefinition("SELECT DISTINCT gateway_id FROM gateway_command WHERE state = 'pending' AND timeout_at > @now",
            new { now = Ms(time.GetUtcNow()) }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
    }

    public async Task MarkSentAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("UPDATE gateway_command SET state = 'sent', sent_at = @now WHERE id = @id AND state = 'pending'",
            new { id, now = Ms(time.GetUtcNow()) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Records the gateway's reply to command <paramref name="id"/> (the correlation data). False when there is no such
    /// command of <paramref name="gatewayId"/> still waiting — unknown, another gateway's, already answered or timed out.
    /// </summary>
    public async Task<bool> CompleteAsync(string id, string gatewayId, CommandReplyMessage reply, CancellationToken cancellationToken = default)
    {
        var text = reply.Text is { Length: > MaxReplyText } t ? t[..MaxReplyText] : reply.Text;
        var now = Ms(time.GetUtcNow());
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select + " WHERE id = @id AND gateway_id = @gatewayId",
            new { id, gatewayId }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row is null || row.state is not ("pending" or "sent") || row.timeout_at <= now) return false;
        var state = reply.Ok ? "ok" : "failed";
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE gateway_command SET state = @state, finished_at = @now, reply_text = @text, reply_data = @data WHERE id = @id",
            new { id, state, now, text, data = JsonSerializer.Serialize(reply.Data, FleetJson.Default.IReadOnlyDictionaryStringString) }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var lab = await LabAsync(c, tx, gatewayId, cancellationToken).ConfigureAwait(false);
        await AuditAsync(c, tx, now, "mqtt:" + gatewayId, lab, "command-result", gatewayId, $"{row.name} {id} {state}", reply.Ok ? 200 : 502, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Marks every command whose timeout passed without a reply as timed out (audited); returns them.</summary>
    public async Task<IReadOnlyList<GatewayCommand>> ExpireAsync(CancellationToken cancellationToken = default)
    {
        var now = Ms(time.GetUtcNow());
        // Every node sweeps every second: a read first, the write turn only when something is due.
        await using (var probe = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await probe.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM gateway_command WHERE state IN ('pending', 'sent') AND timeout_at <= @now",
                    new { now }, cancellationToken: cancellationToken)).ConfigureAwait(false) == 0)
                return [];
        }
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var due = (await c.QueryAsync<Row>(new CommandDefinition(Select + " WHERE state IN ('pending', 'sent') AND timeout_at <= @now ORDER BY seq",
            new { now }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var expired = new List<GatewayCommand>();
        foreach (var row in due)
        {
            // Guarded by state: a second hub node sweeping at the same moment expires (and audits) it once.
            var text = row.state == "pending" ? "not sent before the timeout (hub not connected to the broker)" : "no reply before the timeout";
            var n = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE gateway_command SET state = 'timed-out', finished_at = @now, reply_text = @text WHERE id = @id AND state IN ('pending', 'sent')",
                new { id = row.id, now, text }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (n == 0) continue;
            var lab = await LabAsync(c, tx, row.gateway_id, cancellationToken).ConfigureAwait(false);
            await AuditAsync(c, tx, now, "hub", lab, "command-result", row.gateway_id, $"{row.name} {row.id} timed-out", 504, cancellationToken).ConfigureAwait(false);
            row.state = "timed-out";
            row.finished_at = now;
            row.reply_text = text;
            expired.Add(row.ToCommand());
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return expired;
    }

    private const string Select =
        "SELECT id, gateway_id, name, args, state, requested_at, requested_by, timeout_at, sent_at, finished_at, reply_text, reply_data FROM gateway_command";

    private static async Task<string> LabAsync(DbConnection c, DbTransaction tx, string gatewayId, CancellationToken ct) =>
        await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT lab_id FROM gateway WHERE id = @id", new { id = gatewayId }, tx, cancellationToken: ct)).ConfigureAwait(false) ?? "region";

    /// <summary>resource_id is the gateway; the query column names the command and its id, so a command's trail is one search.</summary>
    private static Task AuditAsync(DbConnection c, DbTransaction tx, long at, string actor, string org, string action, string gatewayId, string query, int status, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_entry(at, client_id, org_id, action, resource_type, resource_id, query, status_code) VALUES (@at, @actor, @org, @action, 'Gateway', @gatewayId, @query, @status)",
            new { at, actor, org, action, gatewayId, query, status }, tx, cancellationToken: ct));

    private static CommandState ParseState(string s) => s switch
    {
        "pending" => CommandState.Pending,
        "sent" => CommandState.Sent,
        "ok" => CommandState.Ok,
        "failed" => CommandState.Failed,
        _ => CommandState.TimedOut,
    };

    public static string StateText(CommandState s) => s switch
    {
        CommandState.Pending => "pending",
        CommandState.Sent => "sent",
        CommandState.Ok => "ok",
        CommandState.Failed => "failed",
        _ => "timed-out",
    };

    private sealed class Row
    {
        public string id { get; set; } = "";
        public string gateway_id { get; set; } = "";
        public string name { get; set; } = "";
        public string args { get; set; } = "{}";
        public string state { get; set; } = "";
        public long requested_at { get; set; }
        public string requested_by { get; set; } = "";
        public long timeout_at { get; set; }
        public long? sent_at { get; set; }
        public long? finished_at { get; set; }
        public string? reply_text { get; set; }
        public string? reply_data { get; set; }

        public GatewayCommand ToCommand() => new(id, gateway_id, name,
            JsonSerializer.Deserialize(args, FleetJson.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>(), ParseState(state),
            Time(requested_at), requested_by, Time(timeout_at), Time(sent_at), Time(finished_at), reply_text,
            reply_data is null ? null : JsonSerializer.Deserialize(reply_data, FleetJson.Default.IReadOnlyDictionaryStringString));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class FleetJson : System.Text.Json.Serialization.JsonSerializerContext;
