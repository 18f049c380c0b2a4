namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it one input and returns normally when the parser accepted the
/// input or refused it the documented way (its "bad input" exception, or a typed error result). Anything else that
/// escapes — another exception type, or a broken invariant the adapter checks — is a crash; a run that does not end
/// within afl-fuzz's per-input limit is a hang.
/// </summary>
/// <remarks>
/// Each adapter is the only place that calls its parser, so re-pointing a target (e.g. when the live-link ASTM
/// reader and the capture scanner become one parser) touches one small file.
/// </remarks>
internal interface IFuzzTarget
{
    /// <summary>Command-line name, e.g. <c>astm-frames</c>.</summary>
    string Name { get; }

    /// <summary>What is fuzzed and which exception types count as a clean refusal.</summary>
    string Description { get; }

    /// <summary>Seed inputs (sample captures, test data, well-formed encodings) to start the corpus from.</summary>
    IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files);

    /// <summary>Runs one input; throws only for a crash.</summary>
    void Run(ReadOnlySpan<byte> input);
}

/// <summary>An invariant the adapter checks was broken (not a parser's exception, so always a crash).</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);
