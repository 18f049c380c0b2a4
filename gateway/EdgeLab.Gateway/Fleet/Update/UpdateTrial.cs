using EdgeLab.Gateway.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Fleet.Update;

/// <summary>
/// Ties the A/B install to <c>edgelab-gateway run --update-root DIR</c>: before the gateway starts, <see cref="BeforeStart"/>
/// asks the journal whether this start is a new version's trial (or one that must give way to the previous slot);
/// after it starts, <see cref="JudgeAsync"/> runs the health check and commits, or rolls back and asks for a restart so
/// the service manager starts the previous slot. In production the service manager is systemd (deploy/systemd:
/// <c>Restart=always</c>, <c>ExecStart=ROOT/current/edgelab-gateway run …</c> resolves the link at each start).
/// </summary>
internal sealed class UpdateTrial(SlotInstaller installer, TimeSpan window, ILogger log)
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    public StartDecision Decision { get; private set; }

    public StartDecision BeforeStart()
    {
        Decision = installer.OnStart();
        var journal = installer.Journal;
        switch (Decision)
        {
            case StartDecision.RunTrial:
                UpdateLog.TrialStarted(log, journal.Version, window.TotalSeconds);
                break;
            case StartDecision.ExitForRollback:
                UpdateLog.RolledBack(log, journal.Version, journal.Reason);
                break;
            default:
                if (journal.State == UpdateState.RolledBack && journal.Reason is not null)
                {
                    UpdateLog.RunningPrevious(log, journal.Version, journal.Reason);
                }
                break;
        }
        return Decision;
    }

    /// <summary>Commits or rolls back; returns true when the process must exit for the service manager to start the previous slot.</summary>
    public async Task<bool> JudgeAsync(GatewayApp app, CancellationToken cancellationToken)
    {
        if (Decision != StartDecision.RunTrial)
        {
            return false;
        }
        var check = new UpdateHealthCheck(
            () => new UpdateHealthSnapshot(app.Runtime.UplinkHealth.Snapshot().Connected, app.Runtime.Links(), app.Outbox.PendingRows),
            app.Runtime.Time,
            window,
            TimeSpan.FromSeconds(1));
        var failure = await check.RunAsync(cancellationToken).ConfigureAwait(false);
        var version = installer.Journal.Version;
        if (failure is null)
        {
            installer.Commit();
            UpdateLog.Committed(log, version);
            return false;
        }
        installer.RollBack(failure);
        UpdateLog.RolledBack(log, version, failure);
        return true;
    }
}
