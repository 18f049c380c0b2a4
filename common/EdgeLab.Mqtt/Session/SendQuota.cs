namespace EdgeLab.Mqtt.Session;

/// <summary>
/// Flow control (§4.9): the number of QoS 1 PUBLISH packets we may have unacknowledged is the server's Receive
/// Maximum [MQTT-3.3.4-7]. A publisher takes a slot before its PUBLISH is queued and gives it back on PUBACK, so a
/// full window only ever holds back new PUBLISH packets and nothing else [MQTT-3.3.4-8].
/// The limit changes with every CONNACK (§3.2.2.3.3). Waiters are served in arrival order.
/// </summary>
internal sealed class SendQuota
{
    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource> _waiters = new();
    private int _limit;
    private int _used;

    public SendQuota(int limit) => _limit = limit;

    public int Limit
    {
        get { lock (_gate) return _limit; }
    }

    public int InUse
    {
        get { lock (_gate) return _used; }
    }

    /// <summary>Takes a slot; completes synchronously when one is free (the common case, no allocation).</summary>
    public ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (_used < _limit && _waiters.Count == 0)
            {
                _used++;
                return ValueTask.CompletedTask;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }
        return new ValueTask(WaitAsync(waiter, node, cancellationToken));
    }

    private async Task WaitAsync(TaskCompletionSource waiter, LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            await waiter.Task.ConfigureAwait(false);
            return;
        }
        await using var registration = cancellationToken.Register(() =>
        {
            bool removed;
            lock (_gate)
            {
                removed = node.List is not null;
                if (removed) _waiters.Remove(node);
            }
            if (removed) waiter.TrySetCanceled(cancellationToken);
        }).ConfigureAwait(false);
        await waiter.Task.ConfigureAwait(false);
    }

    public void Release(int count = 1)
    {
        List<TaskCompletionSource>? wake = null;
        lock (_gate)
        {
            _used = Math.Max(0, _used - count);
            Grant(ref wake);
        }
        Wake(wake);
    }

    /// <summary>A new CONNACK's Receive Maximum (65,535 when absent, §3.2.2.3.3).</summary>
    public void SetLimit(int limit)
    {
        List<TaskCompletionSource>? wake = null;
        lock (_gate)
        {
            _limit = limit;
            Grant(ref wake);
        }
        Wake(wake);
    }

    /// <summary>Fails every waiter (the client stopped).</summary>
    public void FailWaiters(Exception error)
    {
        List<TaskCompletionSource> all;
        lock (_gate)
        {
            all = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var w in all) w.TrySetException(error);
    }

    private void Grant(ref List<TaskCompletionSource>? wake)
    {
        while (_used < _limit && _waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _used++;
            (wake ??= []).Add(first.Value);
        }
    }

    private static void Wake(List<TaskCompletionSource>? wake)
    {
        if (wake is null) return;
        foreach (var w in wake) w.TrySetResult();
    }
}
