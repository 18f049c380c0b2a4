namespace EdgeLab.Hub.Ingest;

/// <summary>
/// Told after each committed batch, on the writer's thread, before the acks go out: must return at once (no I/O, no
/// awaiting). The hub's grains hear of gateways seen and critical values queued through it (<c>Grains/IngestCommitNotifier</c>).
/// </summary>
internal interface IIngestCommitObserver
{
    void Committed(BatchOutcome outcome);
}
