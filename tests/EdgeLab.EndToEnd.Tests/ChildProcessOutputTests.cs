using EdgeLab.LocalServices;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>
/// A command's result is read from its stdout alone. The demo once took the last line of stdout and stderr merged as
/// `clients add`'s token; when the stderr line arrived last, the demo sent it as the token (HTTP 401 "malformed").
/// </summary>
public sealed class ChildProcessOutputTests
{
    [Fact]
    public async Task Standard_output_holds_only_what_the_process_wrote_to_stdout_whatever_stderr_wrote_around_it()
    {
        await using var p = ChildProcess.Start("/bin/sh", ["-c", "echo explanation >&2; echo the-result; echo after >&2"]);
        Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(p.Output.Contains("after", StringComparison.Ordinal) && p.Output.Contains("the-result", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        Assert.Equal("the-result", p.StandardOutput.Trim());
        Assert.Contains("explanation", p.Output, StringComparison.Ordinal);
    }
}
