using System.Collections.Concurrent;
using EdgeLab.Instruments.HostQuery;
using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Instruments.Tests.Mllp;

/// <summary>A sink that records what it is given and answers what the test says, optionally holding the answer back.</summary>
internal sealed class RecordingSink : IInstrumentMessageSink
{
    private readonly ConcurrentQueue<ReceivedMessage> _messages = new();
    private readonly TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CommitOutcome Outcome { get; set; } = CommitOutcome.Committed;

    /// <summary>When set, CommitAsync waits for it before answering (to prove nothing is ACKed before the commit).</summary>
    public TaskCompletionSource<CommitOutcome>? Gate { get; set; }

    public Exception? Throw { get; set; }

    public IReadOnlyList<ReceivedMessage> Messages => _messages.ToArray();

    /// <summary>Completes when the first message arrives.</summary>
    public Task Called => _called.Task;

    public async ValueTask<CommitOutcome> CommitAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        _messages.Enqueue(message);
        _called.TrySetResult();
        if (Throw is not null) throw Throw;
        if (Gate is not null) return await Gate.Task.WaitAsync(cancellationToken);
        return Outcome;
    }
}

/// <summary>Our own in-memory double of <see cref="IOrderCache"/>.</summary>
internal sealed class InMemoryOrderCache : IOrderCache
{
    private readonly Dictionary<string, CachedOrder> _orders = new(StringComparer.Ordinal);

    public List<string> Asked { get; } = [];

    public InMemoryOrderCache Add(CachedOrder order)
    {
        _orders[order.SpecimenId] = order;
        return this;
    }

    public ValueTask<CachedOrder?> FindBySpecimenAsync(string specimenId, CancellationToken cancellationToken)
    {
        Asked.Add(specimenId);
        return ValueTask.FromResult(_orders.GetValueOrDefault(specimenId));
    }
}
