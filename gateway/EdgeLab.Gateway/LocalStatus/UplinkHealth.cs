namespace EdgeLab.Gateway.LocalStatus;

/// <summary>
/// Whether the gateway is connected to the broker and when the hub last acknowledged anything end to end. The
/// retained <c>…/status</c> cannot tell a technician this (it travels over the very link in question), so the
/// uplink keeps it here for the local view.
/// </summary>
internal sealed class UplinkHealth(TimeProvider time)
{
    private readonly Lock _gate = new();
    private bool _connected;
    private DateTimeOffset _since = time.GetUtcNow();
    private DateTimeOffset? _lastHubAck;
    private string? _lastDisconnectReason;

    public void Connected()
    {
        lock (_gate)
        {
            if (!_connected) _since = time.GetUtcNow();
            _connected = true;
        }
    }

    public void Disconnected(string reason)
    {
        lock (_gate)
        {
            if (_connected) _since = time.GetUtcNow();
            _connected = false;
            _lastDisconnectReason = reason;
        }
    }

    public void HubAcknowledged()
    {
        lock (_gate) _lastHubAck = time.GetUtcNow();
    }

    public UplinkSnapshot Snapshot()
    {
        lock (_gate) return new UplinkSnapshot(_connected, _since, _lastHubAck, _connected ? null : _lastDisconnectReason);
    }
}

internal sealed record UplinkSnapshot(bool Connected, DateTimeOffset Since, DateTimeOffset? LastHubAckAt, string? LastDisconnectReason);
