using System.Collections.Concurrent;

namespace EdgeLab.Mqtt.Tests.Support;

/// <summary>Collects messages a test client receives and lets the test wait for a condition on them.</summary>
internal sealed class Inbox
{
    private readonly ConcurrentQueue<MqttReceivedMessage> _messages = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public Func<MqttReceivedMessage, ValueTask> Handler => m =>
    {
        _messages.Enqueue(m);
        _arrived.Release();
        return ValueTask.CompletedTask;
    };

    public IReadOnlyList<MqttReceivedMessage> Messages => [.. _messages];

    /// <summary>Waits until <paramref name="condition"/> holds over what arrived, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<MqttReceivedMessage>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition(Messages))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
                throw new Xunit.Sdk.XunitException($"condition not met; {_messages.Count} messages arrived: {string.Join(", ", Messages.Select(m => m.Topic))}");
        }
    }
}
