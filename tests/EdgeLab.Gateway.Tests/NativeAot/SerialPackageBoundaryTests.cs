using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.NativeAot;

/// <summary>
/// System.IO.Ports serves the simulator's end of a pty only. The gateway (Native AOT) keeps its own termios2
/// transport: System.IO.Ports does not notice a hang-up and its Close() can block after an unplug (issue 10).
/// </summary>
public sealed class SerialPackageBoundaryTests
{
    [Fact]
    public void The_gateway_build_does_not_depend_on_System_IO_Ports()
    {
        var gateway = EdgeLabComponents.Locate(EdgeLabComponents.Gateway);
        var deps = Path.ChangeExtension(gateway, ".deps.json");
        Assert.True(File.Exists(deps), $"{deps} missing: build gateway/EdgeLab.Gateway first");
        Assert.DoesNotContain("System.IO.Ports", File.ReadAllText(deps), StringComparison.OrdinalIgnoreCase);
    }
}
