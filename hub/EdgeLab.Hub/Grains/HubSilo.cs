using System.Net;
using System.Net.Sockets;
using EdgeLab.Hub.Store;
using Orleans.Configuration;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// Makes a hub process an Orleans silo, co-hosted in the same host as the API and the MQTT ingest (issue 11).
/// SQLite: localhost clustering and in-memory reminders (one node; pending work lives in the hub's tables and the
/// <see cref="GrainWakeup"/> sweep finds it again after a restart). PostgreSQL: ADO.NET clustering and reminders in
/// the hub's database (tables from migration 0010). No grain state storage: grains reload from the hub's tables.
/// </summary>
internal static class HubSilo
{
    /// <summary>The ADO.NET invariant Orleans resolves to Npgsql's provider factory.</summary>
    public const string PostgresInvariant = "Npgsql";

    public static ISiloBuilder ConfigureHubSilo(this ISiloBuilder silo, HubStorageOptions storage, HubClusterOptions cluster)
    {
        if (storage.Provider == DatabaseDialect.Postgres)
        {
            var cs = storage.ConnectionString!;
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = cs;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = cs;
            });
            // Nodes find each other's silo port in the membership table, so any free port works; a fixed one
            // (--silo-port) is for firewalls between machines.
            var loopback = IPAddress.IsLoopback(cluster.AdvertisedAddress);
            silo.ConfigureEndpoints(cluster.AdvertisedAddress, cluster.SiloPort ?? FreePort(loopback),
                cluster.GatewayPort ?? 0, listenOnAnyHostAddress: !loopback);
        }
        else
        {
            // A cluster of one: no other node will ever dial in, so any free loopback port does and two hubs on one
            // machine (tests, a demo beside a service) never collide on Orleans' fixed defaults.
            silo.UseLocalhostClustering(cluster.SiloPort ?? FreePort(loopback: true), cluster.GatewayPort ?? 0, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            silo.UseInMemoryReminderService();
        }
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = cluster.ProbeTimeout;
            o.NumMissedProbesLimit = cluster.NumMissedProbesLimit;
            o.NumVotesForDeathDeclaration = cluster.NumVotesForDeathDeclaration;
            o.IAmAliveTablePublishTimeout = cluster.IAmAliveTablePublishTimeout;
        });
        // Graceful shutdown deactivates every grain (OnDeactivateAsync releases the order-stream claim) before the
        // host stops the MQTT connection; give it the time a broker round trip takes.
        silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = TimeSpan.FromSeconds(10));
        silo.Services.AddHubGrains();
        return silo;
    }

    /// <summary>A port nobody listens on now (bound and released); the silo binds it a moment later.</summary>
    internal static int FreePort(bool loopback)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(loopback ? IPAddress.Loopback : IPAddress.Any, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
