using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Cli;

/// <summary>Opens the instrument's connection, runs a command over it, and turns failures into a message and an exit code.</summary>
internal static class CommandRunner
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(
        InstrumentEndpoint endpoint,
        SimulatorOutput output,
        Func<Stream, Task<int>> run,
        CancellationToken cancellationToken)
    {
        if (endpoint.Validate() is { } usage)
        {
            output.Progress($"error: {usage}");
            return Usage;
        }
        try
        {
            output.Progress($"instrument on {endpoint.Describe()}");
            var (stream, owner) = await endpoint.OpenAsync(output, cancellationToken).ConfigureAwait(false);
            await using (owner.ConfigureAwait(false))
            await using (stream.ConfigureAwait(false))
            {
                return await run(stream).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Progress("stopped");
            return Failed;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            output.Progress($"error: {e.Message}");
            return e is ArgumentException ? Usage : Failed;
        }
    }
}
