using EdgeLab.Instruments.HostQuery;

namespace EdgeLab.Instruments.Tests.HostQueryAnswers;

/// <summary>Test double of our own <see cref="IOrderCache"/>: a dictionary, optionally slow (to hold a query open).</summary>
internal sealed class InMemoryOrderCache : IOrderCache
{
    private readonly Dictionary<string, CachedOrder> _orders = new(StringComparer.Ordinal);

    public TaskCompletionSource? Gate { get; set; }
    public int Lookups { get; private set; }

    public InMemoryOrderCache Add(CachedOrder order)
    {
        _orders[order.SpecimenId] = order;
        return this;
    }

    public async ValueTask<CachedOrder?> FindBySpecimenAsync(string specimenId, CancellationToken cancellationToken)
    {
        Lookups++;
        if (Gate is { } gate)
            await gate.Task.WaitAsync(cancellationToken);
        return _orders.GetValueOrDefault(specimenId);
    }
}
