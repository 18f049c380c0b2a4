using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Broker;

/// <summary>A broker of our own per test: frozen (SIGSTOP) and crashed (SIGKILL + restart). Stopped by pid, pass or fail.</summary>
public sealed class BrokerFailureTests
{
    [Fact]
    public async Task A_frozen_broker_is_detected_by_keep_alive_and_the_client_reconnects_when_it_thaws()
    {
        await using var broker = await Brokers.StartPlainAsync();
        await using var client = new MqttClient(Brokers.Options(broker.Port, "frozen", keepAlive: 1));
        var disconnected = new TaskCompletionSource<MqttDisconnectedInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += i => disconnected.TrySetResult(i);
        await client.ConnectAsync();
        client.Connected += _ => reconnected.TrySetResult();
        try
        {
            broker.Freeze();
            // Keep alive 1 s: PINGREQ every 0.75 s, the unanswered one is noticed at the next tick.
            var info = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.IsType<TimeoutException>(info.Exception);
            Assert.NotEqual(MqttConnectionState.Connected, client.State);
        }
        finally
        {
            broker.Thaw();
        }
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True((await client.PublishAsync(new MqttApplicationMessage { Topic = "frozen/after" })).IsSuccess);
    }

    [Fact]
    public async Task Broker_killed_and_restarted_with_publishes_in_flight_every_message_is_acknowledged_after_app_level_republish()
    {
        await using var broker = await Brokers.StartPlainAsync();
        await using var publisher = new MqttClient(Brokers.Options(broker.Port, "crash-pub", sessionExpiry: 300));
        var sessionPresent = new List<bool>();
        publisher.Connected += i => { lock (sessionPresent) sessionPresent.Add(i.SessionPresent); };
        await publisher.ConnectAsync();

        var lost = 0;
        async Task<MqttPublishResult> PublishUntilAcknowledged(int i)
        {
            while (true)
            {
                try
                {
                    return await publisher.PublishAsync(new MqttApplicationMessage { Topic = "crash/" + i, Payload = BitConverter.GetBytes(i) });
                }
                catch (MqttSessionLostException)
                {
                    // The contract: Session Present=0 means republish as a new message.
                    Interlocked.Increment(ref lost);
                }
            }
        }

        var tasks = new List<Task<MqttPublishResult>>();
        for (var i = 0; i < 200; i++) tasks.Add(PublishUntilAcknowledged(i));
        await broker.KillAsync();
        for (var i = 200; i < 400; i++) tasks.Add(PublishUntilAcknowledged(i));
        await broker.RestartAsync();

        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.True(r.IsSuccess));
        lock (sessionPresent) Assert.True(sessionPresent.Count >= 2, "the client reconnected to the restarted broker");
        Assert.Equal(0, publisher.InFlightCount);
    }
}
