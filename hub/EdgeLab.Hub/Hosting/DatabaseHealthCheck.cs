using Dapper;
using EdgeLab.Hub.Store;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeLab.Hub.Hosting;

/// <summary>/health: the database answers and is migrated.</summary>
internal sealed class DatabaseHealthCheck(IHubDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            var version = await c.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(version) FROM schema_version", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{database.Dialect} schema v{version}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{database.Dialect}: {ex.Message}");
        }
    }
}
