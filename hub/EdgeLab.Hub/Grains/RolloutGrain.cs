using EdgeLab.Hub.Fleet.Rollouts;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// Runs <see cref="RolloutEngine"/> steps for its rollout and wakes the grains of the gateways whose desired version a
/// step changed, so the new (or the previous) document is published retained at once rather than at the next sweep.
/// </summary>
internal sealed partial class RolloutGrain(RolloutEngine engine, ILogger<RolloutGrain> logger) : Grain, IRolloutGrain
{
    public async Task WakeAsync()
    {
        var id = this.GetPrimaryKeyString();
        try
        {
            foreach (var version in await engine.StepAsync(id, CancellationToken.None))
                _ = GrainFactory.GetGrain<IGatewayGrain>(version.GatewayId).PublishFleetAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The rows are unchanged or consistent (each write is one transaction); the sweep steps again.
            StepFailed(logger, id, ex.Message);
        }
    }

    [LoggerMessage(40, LogLevel.Warning, "Rollout {RolloutId}: step failed ({Reason}); the sweep retries within a second")]
    private static partial void StepFailed(ILogger logger, string rolloutId, string reason);
}
