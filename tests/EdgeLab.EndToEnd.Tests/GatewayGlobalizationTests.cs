using System.Text;
using System.Text.Json;
using EdgeLab.LocalServices;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>
/// The gateway runs with invariant globalization (a footprint setting in its runtimeconfig, issue 3). The built
/// executable, not the test host, must still decode Cyrillic text exactly: units, comments and names from Russian
/// analyzers are the daily case.
/// </summary>
public sealed class GatewayGlobalizationTests
{
    [Fact]
    public async Task The_built_gateway_decodes_Cyrillic_results_under_its_invariant_globalization()
    {
        using var scratch = new ScratchDirectory("cyrillic");
        var capture = scratch.File("cyrillic.astm");
        // Synthetic LIS02-A2 records, one per line, UTF-8 as the cepheid-genexpert profile declares.
        await File.WriteAllTextAsync(capture, string.Join('\n',
            "H|\\^&|||Анализатор^1|||||||P|1",
            "P|1||PID1||СИМУЛЯЦИЯ^ПАЦИЕНТ",
            "O|1|SPC0001||^^^GLU|R",
            "R|1|^^^GLU|5.4|ммоль/л|3.9-6.1|N||F",
            "C|1|I|Проба гемолизирована|G",
            "L|1|N") + "\n", new UTF8Encoding(false));
        var profiles = Path.Combine(EdgeLabComponents.RepositoryRoot(), "firmware-config", "instruments");
        var runtimeConfig = Path.ChangeExtension(EdgeLabComponents.Locate(EdgeLabComponents.Gateway), ".runtimeconfig.json");
        Assert.Contains("\"System.Globalization.Invariant\": true", await File.ReadAllTextAsync(runtimeConfig), StringComparison.Ordinal);

        await using var decode = EdgeLabComponents.Start(EdgeLabComponents.Gateway,
            ["decode", capture, "--profile", "cepheid-genexpert", "--profiles-dir", profiles, "--time-zone", "Asia/Tomsk"]);
        Assert.True(await decode.WaitForExitAsync(TimeSpan.FromSeconds(60)), decode.Output);
        await Task.Delay(50); // the output readers drain the last line
        Assert.True(decode.ExitCode == 0, decode.Output);
        var json = decode.Output.Split('\n').Single(l => l.StartsWith('{'));
        using var doc = JsonDocument.Parse(json);
        var result = doc.RootElement.GetProperty("results")[0];
        Assert.Equal("ммоль/л", result.GetProperty("units").GetString());
        Assert.Equal("Проба гемолизирована", result.GetProperty("comments")[0].GetString());
    }
}
