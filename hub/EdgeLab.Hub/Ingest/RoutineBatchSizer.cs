namespace EdgeLab.Hub.Ingest;

/// <summary>
/// How many routine messages the next batch takes. Large batches are what make ingest fast (one fsync per batch), so the
/// full <see cref="IngestOptions.MaxBatchMessages"/> is the rule. Where writers take turns (SQLite: one write
/// transaction at a time) a STAT batch must wait for the routine transaction in progress, so while STAT traffic is about
/// the batch is cut to what fits <see cref="IngestOptions.RoutineBatchBudget"/> at the measured time per message
/// (issue 10: 512 messages held a STAT ~160 ms). Owned by the routine writer's loop; not thread-safe.
/// </summary>
internal sealed class RoutineBatchSizer(IngestOptions options)
{
    /// <summary>Below this a batch's fixed cost (claims, lookups, commit and fsync) outweighs its messages.</summary>
    public const int MinCutBatch = 16;

    private double _msPerMessage = double.NaN;

    /// <summary>Messages per routine batch now; <paramref name="cutForStat"/> when a STAT may be waiting for the write turn.</summary>
    public int Next(bool cutForStat)
    {
        if (!cutForStat) return options.MaxBatchMessages;
        // Nothing measured yet: a modest first batch, which then measures.
        if (double.IsNaN(_msPerMessage)) return Math.Min(options.MaxBatchMessages, 64);
        // Elapsed / messages includes the batch's fixed cost, so this settles where a whole batch takes the budget.
        var fits = (int)Math.Min(int.MaxValue, options.RoutineBatchBudget.TotalMilliseconds / Math.Max(_msPerMessage, 0.001));
        return Math.Clamp(fits, Math.Min(MinCutBatch, options.MaxBatchMessages), options.MaxBatchMessages);
    }

    /// <summary>A batch of <paramref name="messages"/> took <paramref name="elapsed"/> (write and commit).</summary>
    public void Observe(int messages, TimeSpan elapsed)
    {
        // Small batches say more about the fixed cost than about the cost per message.
        if (messages < MinCutBatch) return;
        var sample = elapsed.TotalMilliseconds / messages;
        _msPerMessage = double.IsNaN(_msPerMessage) ? sample : 0.8 * _msPerMessage + 0.2 * sample;
    }

    /// <summary>The current estimate (NaN until a batch was measured), for tests.</summary>
    public double MillisecondsPerMessage => _msPerMessage;
}
