namespace EdgeLab.Mqtt.Session;

/// <summary>
/// Packet Identifiers for PUBLISH (QoS &gt; 0), SUBSCRIBE and UNSUBSCRIBE: non-zero and not in use by any other
/// packet in flight [MQTT-2.2.1-3]; an id becomes free only when its acknowledgement arrives [MQTT-2.2.1-4]
/// or the session that owned it is gone. Ids rotate, so a freed id is not handed out again at once.
/// Not thread-safe: <see cref="SessionState"/> calls it under its lock.
/// </summary>
internal sealed class PacketIdAllocator
{
    private readonly ulong[] _inUse = new ulong[65536 / 64];
    private ushort _last;

    public int Count { get; private set; }

    public bool IsInUse(ushort id) => (_inUse[id >> 6] & (1UL << (id & 63))) != 0;

    /// <summary>Returns a free id and marks it used; false when all 65,535 are in flight.</summary>
    public bool TryAllocate(out ushort id)
    {
        if (Count < ushort.MaxValue)
        {
            var candidate = _last;
            for (var i = 0; i < ushort.MaxValue; i++)
            {
                candidate = candidate == ushort.MaxValue ? (ushort)1 : (ushort)(candidate + 1);
                if (IsInUse(candidate)) continue;
                _inUse[candidate >> 6] |= 1UL << (candidate & 63);
                _last = candidate;
                Count++;
                id = candidate;
                return true;
            }
        }
        id = 0;
        return false;
    }

    public void Release(ushort id)
    {
        if (!IsInUse(id)) return;
        _inUse[id >> 6] &= ~(1UL << (id & 63));
        Count--;
    }
}
