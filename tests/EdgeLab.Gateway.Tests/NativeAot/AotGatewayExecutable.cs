using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.NativeAot;

/// <summary>
/// Where the Native AOT gateway (<c>deploy/publish-gateway.sh --aot linux-x64</c>) is: <c>EDGELAB_GATEWAY_AOT_EXE</c>,
/// else the script's default output folder. An AOT compile takes minutes of both cores, so test runs do not make one;
/// whoever publishes it runs these tests against it (README, "Gateway install").
/// </summary>
internal static class AotGatewayExecutable
{
    public const string Variable = "EDGELAB_GATEWAY_AOT_EXE";

    public static string DefaultPath => Path.Combine(EdgeLabComponents.RepositoryRoot(), "out", "gateway-linux-x64-aot", "edgelab-gateway");

    /// <summary>The executable, or null when it has not been built.</summary>
    public static string? Executable => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set ? set
        : File.Exists(DefaultPath) ? DefaultPath : null;
}

/// <summary>
/// A test of the Native AOT executable. Without one it is skipped, and the skip reason says so loudly: a green run
/// without it has not checked the AOT build at all.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class AotGatewayFactAttribute : FactAttribute
{
    public AotGatewayFactAttribute()
    {
        if (AotGatewayExecutable.Executable is null)
        {
            Skip = $"!!! NATIVE AOT GATEWAY NOT CHECKED: no executable at {AotGatewayExecutable.DefaultPath} and {AotGatewayExecutable.Variable} " +
                   "is not set. Build it with `deploy/publish-gateway.sh --aot linux-x64` (several minutes) and run these tests again. !!!";
        }
    }
}
