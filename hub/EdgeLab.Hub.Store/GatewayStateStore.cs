using Dapper;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>The SQL of <see cref="IGatewayStateStore"/> (columns <c>gateway.state</c>, <c>state_changed</c>, <c>state_reason</c>).</summary>
public sealed class GatewayStateStore(IHubDatabase database, TimeProvider time) : IGatewayStateStore
{
    /// <summary>A reason is free text typed by an operator: one line, bounded, no control characters (both databases alike).</summary>
    public const int MaxReasonLength = 500;

    public async Task<bool> ChangeStateAsync(GatewayStateChange change, CancellationToken cancellationToken = default)
    {
        var reason = string.IsNullOrWhiteSpace(change.Reason) ? null : change.Reason.Trim();
        if (reason is not null && (reason.Length > MaxReasonLength || reason.Any(char.IsControl)))
            throw new StoreValidationException($"--reason must be one line of at most {MaxReasonLength} characters without control characters");
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<StateRow>(new CommandDefinition(
            "SELECT id, lab_id, state, state_changed, state_reason FROM gateway WHERE id = @id", new { id = change.GatewayId }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false)
            ?? throw new StoreValidationException($"gateway '{change.GatewayId}' is not registered; see 'edgelab-hub gateways list'");
        var current = ParseState(row.state);
        // accept/reject decide about a pending gateway only: accepting a disabled one would bypass 'enable'.
        if (change.From is { } from && current != from && current != change.State)
            throw new StoreValidationException($"gateway '{change.GatewayId}' is {Enum(current)}, not {Enum(from)}; see 'edgelab-hub gateways list'");
        if (current == change.State) return false;
        // Revoked is final: the certificate is withdrawn and the id must not come back (a new box gets a new id).
        if (current == GatewayState.Revoked)
            throw new StoreValidationException($"gateway '{change.GatewayId}' is revoked and cannot be {Enum(change.State)}; revocation is final — register the replacement under a new id");
        var now = time.GetUtcNow();
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE gateway SET state = @state, state_changed = @now, state_reason = @reason WHERE id = @id",
            new { id = change.GatewayId, state = Enum(change.State), now = Ms(now), reason }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_entry(at, client_id, org_id, action, resource_type, resource_id, status_code) VALUES (@at, @actor, @org, @action, 'Gateway', @id, 200)",
            new { at = Ms(now), actor = change.Actor, org = row.lab_id, action = ActionOf(current, change.State), id = change.GatewayId }, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<GatewayStanding>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<StateRow>(new CommandDefinition(
            "SELECT id, lab_id, state, state_changed, state_reason FROM gateway ORDER BY id", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new GatewayStanding(r.id, r.lab_id, ParseState(r.state), Time(r.state_changed), r.state_reason)).ToList();
    }

    /// <summary>The audit action: what the operator did, in the imperative like the other audit actions.</summary>
    public static string ActionOf(GatewayState from, GatewayState to) => (from, to) switch
    {
        (GatewayState.Pending, GatewayState.Enabled) => "accept",
        (GatewayState.Pending, GatewayState.Revoked) => "reject",
        (_, GatewayState.Enabled) => "enable",
        (_, GatewayState.Disabled) => "disable",
        (_, GatewayState.Pending) => "enrol",
        _ => "revoke",
    };

    internal static GatewayState ParseState(string text) => text switch
    {
        "pending" => GatewayState.Pending,
        "enabled" => GatewayState.Enabled,
        "disabled" => GatewayState.Disabled,
        "revoked" => GatewayState.Revoked,
        // Fail closed: a value this build does not know is treated as shut out, never as enabled.
        _ => GatewayState.Disabled,
    };

    private sealed class StateRow
    {
        public string id { get; set; } = "";
        public string lab_id { get; set; } = "";
        public string state { get; set; } = "";
        public long? state_changed { get; set; }
        public string? state_reason { get; set; }
    }
}
