using Microsoft.Extensions.Hosting;

namespace EdgeLab.Gateway.Hosting;

/// <summary>Runs the <see cref="GatewayApp"/> inside the Generic Host (SIGTERM → clean stop, status goes offline).</summary>
internal sealed class GatewayHostedService(GatewayApp app) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => app.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => app.StopAsync(cancellationToken);
}
