namespace EdgeLab.Bench;

/// <summary>
/// <c>EDGELAB_BENCH_SMOKE=1</c>: every benchmark runs its smallest workload. It shows that the bench still starts and
/// reaches its peers (Mosquitto with credentials, the hub, gateways, the simulator) after a change; its figures are
/// not worth quoting.
/// </summary>
internal static class BenchSize
{
    public static bool Smoke => Environment.GetEnvironmentVariable("EDGELAB_BENCH_SMOKE") == "1";

    public static int Pick(int full, int smoke) => Smoke ? smoke : full;
}
