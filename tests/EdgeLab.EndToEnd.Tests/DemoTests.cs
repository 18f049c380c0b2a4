using EdgeLab.LocalServices;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>README command 1 works: the demo brings every real part up and a result reaches the FHIR API.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_once_exits_zero_when_a_result_is_visible_through_the_FHIR_API()
    {
        await using var demo = EdgeLabComponents.Start(EdgeLabComponents.Demo, ["--once", "--timeout", "60"]);
        var finished = await demo.WaitForExitAsync(TimeSpan.FromSeconds(150));
        Assert.True(finished, "the demo did not finish within 150 s:\n" + demo.Output);
        await Task.Delay(50); // let the output readers drain the last lines
        Assert.True(demo.ExitCode == 0, $"demo exited {demo.ExitCode}:\n{demo.Output}");
        Assert.Matches(@"FHIR base URL: http://127\.0\.0\.1:\d+/fhir", demo.Output);
        Assert.Contains("visible in the FHIR API", demo.Output, StringComparison.Ordinal);
        Assert.Contains("EMR bearer token", demo.Output, StringComparison.Ordinal);
    }
}
