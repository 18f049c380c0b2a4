using System.Collections.Concurrent;
using EdgeLab.Instruments.Link.Astm;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>A message handler that records what the link hands up, and lets a test decide the outcome and when.</summary>
internal sealed class RecordingAstmHandler : IAstmMessageHandler
{
    public ConcurrentQueue<AstmReceivedMessage> Messages { get; } = new();
    public ConcurrentQueue<(AstmReceivedMessage Partial, string Reason)> Incomplete { get; } = new();

    /// <summary>Decides each message's outcome; default accepts. May block to test commit-before-ACK.</summary>
    public Func<AstmReceivedMessage, Task<AstmMessageOutcome>> Decide { get; set; } = _ => Task.FromResult(AstmMessageOutcome.Ack);

    public bool Ready { get; set; } = true;

    private readonly SemaphoreSlim _messageArrived = new(0);
    private readonly SemaphoreSlim _incompleteArrived = new(0);

    public async ValueTask<AstmMessageOutcome> OnMessageAsync(AstmReceivedMessage message, CancellationToken cancellationToken)
    {
        var outcome = await Decide(message);
        if (outcome.Accepted) Messages.Enqueue(message);
        _messageArrived.Release();
        return outcome;
    }

    public ValueTask OnIncompleteMessageAsync(AstmReceivedMessage partial, string reason, CancellationToken cancellationToken)
    {
        Incomplete.Enqueue((partial, reason));
        _incompleteArrived.Release();
        return ValueTask.CompletedTask;
    }

    public bool IsReadyToReceive() => Ready;

    public async Task WaitForMessageAsync()
    {
        if (!await _messageArrived.WaitAsync(TimeSpan.FromSeconds(10))) throw new TimeoutException("no message reached the handler");
    }

    public async Task<(AstmReceivedMessage Partial, string Reason)> WaitForIncompleteAsync()
    {
        if (!await _incompleteArrived.WaitAsync(TimeSpan.FromSeconds(10))) throw new TimeoutException("no incomplete message reached the handler");
        return Incomplete.Last();
    }
}
