namespace EdgeLab.Mqtt.Connection;

/// <summary>
/// Keep alive (§3.1.2.10): the client must not let more than Keep Alive seconds pass without sending a packet
/// [MQTT-3.1.2-20], and must use the Server Keep Alive when the CONNACK has one [MQTT-3.2.2-21]. A PINGREQ goes out
/// every three quarters of the interval; if its PINGRESP has not arrived by the next tick the connection is
/// half-open (a frozen or vanished server) and is closed (§3.1.2.10: "within a reasonable amount of time").
/// The timer comes from <see cref="TimeProvider"/>, so tests drive it without sleeping.
/// </summary>
internal sealed partial class MqttConnection
{
    private ITimer? _keepAlive;
    private int _pingOutstanding;

    /// <summary>A PINGREQ went out and its PINGRESP has not been read yet.</summary>
    internal bool PingOutstanding => Volatile.Read(ref _pingOutstanding) == 1;

    /// <summary>The interval in force on this connection; zero = keep alive off (§3.1.2.10).</summary>
    public TimeSpan KeepAlive { get; private set; }

    private void StartKeepAlive(ushort seconds)
    {
        if (seconds == 0) return;
        KeepAlive = TimeSpan.FromSeconds(seconds);
        var period = KeepAlive * 0.75;
        _keepAlive = _time.CreateTimer(_ => OnKeepAliveTick(), null, period, period);
        if (!IsOpen) _keepAlive.Dispose();
    }

    private void OnKeepAliveTick()
    {
        if (!IsOpen) return;
        if (Interlocked.Exchange(ref _pingOutstanding, 1) == 1)
        {
            MqttClientLog.KeepAliveTimeout(_logger, KeepAlive);
            Close("keep alive: no PINGRESP from the server", null, new TimeoutException("No PINGRESP within the keep alive interval"));
            return;
        }
        EnqueueControl(Outgoing.PingReq);
    }
}
