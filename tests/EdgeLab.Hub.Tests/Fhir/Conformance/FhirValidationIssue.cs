namespace EdgeLab.Hub.Tests.Fhir.Conformance;

/// <summary>One finding of <see cref="FhirValidator"/>: which payload, which check, where in it and what.</summary>
internal sealed record FhirValidationIssue(string Label, string Check, string Severity, string Path, string Message)
{
    public bool IsError => Severity is "error" or "fatal";

    public override string ToString() => $"{Label}: {Severity} at {Path}: {Message} [{Check}]";
}
