using EdgeLab.Mqtt.Tests.Support;

namespace EdgeLab.Mqtt.Tests.Broker;

/// <summary>
/// A message handler that publishes (the hub acknowledging a result, a gateway answering a command) waits for a PUBACK
/// that, once the connection is gone, only the next connection can bring. Neither reconnecting nor stopping may wait
/// for such a handler, or the client deadlocks.
/// </summary>
public sealed class HandlerPublishTests
{
    [Fact]
    public async Task A_handler_waiting_on_its_own_publish_does_not_hold_up_the_reconnect_and_its_publish_completes_after_it()
    {
        // No persistence: the restarted broker has lost every session, always — so the handler's in-flight publish
        // deterministically fails as session-lost and is republished on the new connection, as the contract says.
        await using var broker = await Brokers.StartPlainAsync(Brokers.Plain.Replace("persistence true", "persistence false", StringComparison.Ordinal));
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new List<string>();
        Task<MqttPublishResult>? reply = null;
        MqttClient responder = null!;
        async ValueTask Handle(MqttReceivedMessage m)
        {
            if (m.Topic == "req/1")
            {
                entered.TrySetResult();
                await gate.Task;
                while (true)
                {
                    try
                    {
                        reply = responder.PublishAsync(new MqttApplicationMessage { Topic = "reply/1" });
                        await reply;
                        break;
                    }
                    catch (MqttSessionLostException)
                    {
                        // Session Present=0 after the restart: republish as a new message.
                    }
                }
            }
            lock (handled) handled.Add(m.Topic);
        }
        responder = new MqttClient(Brokers.Options(broker.Port, "responder", Handle, sessionExpiry: 300));
        await using var disposeResponder = responder;
        var resubscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = 0;
        responder.Connected += info => _ = Task.Run(async () =>
        {
            await responder.SubscribeAsync([new MqttSubscription { TopicFilter = "req/#" }]);
            if (Volatile.Read(ref killed) == 1) resubscribed.TrySetResult();
        });
        await responder.ConnectAsync();
        await responder.SubscribeAsync([new MqttSubscription { TopicFilter = "req/#" }]);
        await using (var requester = new MqttClient(Brokers.Options(broker.Port, "requester")))
        {
            await requester.ConnectAsync();
            await requester.PublishAsync(new MqttApplicationMessage { Topic = "req/1" });
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        await broker.KillAsync();
        Volatile.Write(ref killed, 1);
        gate.SetResult();
        await broker.RestartAsync();

        // The reconnect went ahead although the handler was still running, and the handler's publish was carried by it.
        await Eventually(() => reply is not null && reply.IsCompletedSuccessfully, "the handler's publish completed");
        Assert.True((await reply!).IsSuccess);
        await resubscribed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await using (var requester = new MqttClient(Brokers.Options(broker.Port, "requester")))
        {
            await requester.ConnectAsync();
            await requester.PublishAsync(new MqttApplicationMessage { Topic = "req/2" });
        }
        await Eventually(() => { lock (handled) return handled.Contains("req/2"); }, "delivery goes on after the reconnect");
        lock (handled) Assert.Equal(["req/1", "req/2"], handled.Where(t => t is "req/1" or "req/2").Distinct());
    }

    [Fact]
    public async Task Stopping_while_a_handler_waits_on_its_own_publish_returns_and_that_publish_fails_as_stopped()
    {
        await using var broker = await Brokers.StartPlainAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        MqttClient client = null!;
        async ValueTask Handle(MqttReceivedMessage m)
        {
            entered.TrySetResult();
            await gate.Task;
            try
            {
                await client.PublishAsync(new MqttApplicationMessage { Topic = "reply/1" });
                outcome.TrySetResult(null);
            }
            catch (Exception ex)
            {
                outcome.TrySetResult(ex);
                throw;
            }
        }
        client = new MqttClient(Brokers.Options(broker.Port, "stopping", Handle, sessionExpiry: 300));
        await client.ConnectAsync();
        await client.SubscribeAsync([new MqttSubscription { TopicFilter = "req/#" }]);
        await client.PublishAsync(new MqttApplicationMessage { Topic = "req/1" });
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await broker.KillAsync();
        gate.SetResult();
        await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(MqttConnectionState.Stopped, client.State);
        Assert.IsType<MqttClientStoppedException>(await outcome.Task.WaitAsync(TimeSpan.FromSeconds(1)));
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting until " + what);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_broker_that_overruns_our_receive_maximum_while_a_handler_is_slow_is_tolerated_and_everything_is_delivered_once()
    {
        await using var broker = await Brokers.StartPlainAsync();
        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var disconnects = new List<string>();
        MqttClient subscriber = null!;
        async ValueTask Handle(MqttReceivedMessage m)
        {
            received.AddOrUpdate(m.Topic, 1, (_, n) => n + 1);
            // Slower than the flow: a round trip to the broker per message, as the hub's ack does.
            await subscriber.PublishAsync(new MqttApplicationMessage { Topic = "ack/" + m.Topic });
        }
        subscriber = new MqttClient(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = broker.Port,
            ClientId = "slow-subscriber",
            UserName = Brokers.Tester.UserName,
            Password = System.Text.Encoding.UTF8.GetBytes(Brokers.Tester.Password),
            OnMessage = Handle,
            SessionExpirySeconds = 300,
            ReceiveMaximum = 20,
        });
        await using var disposeSubscriber = subscriber;
        subscriber.Disconnected += i => { lock (disconnects) disconnects.Add(i.Reason); };
        await subscriber.ConnectAsync();
        await subscriber.SubscribeAsync([new MqttSubscription { TopicFilter = "res/#" }]);
        await using var publisher = new MqttClient(Brokers.Options(broker.Port, "fast-publisher"));
        await publisher.ConnectAsync();

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => publisher.PublishAsync(new MqttApplicationMessage { Topic = "res/" + i })));

        await Eventually(() => received.Count == 500, "all 500 delivered");
        lock (disconnects) Assert.Empty(disconnects);
        Assert.All(received.Values, n => Assert.Equal(1, n));
    }
}
