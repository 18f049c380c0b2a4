using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

/// <summary>
/// R4 §2.38 OperationOutcome: issue (1..*), each with severity (1..1, fatal | error | warning | information)
/// and code (1..1, IssueType, http://hl7.org/fhir/issue-type).
/// </summary>
internal sealed record OperationOutcome : Resource
{
    [JsonIgnore]
    public override string ResourceType => "OperationOutcome";

    public required IReadOnlyList<OperationOutcomeIssue> Issue { get; init; }

    public static OperationOutcome Error(string code, string diagnostics, string? expression = null) => new()
    {
        Issue =
        [
            new OperationOutcomeIssue
            {
                Severity = "error",
                Code = code,
                Diagnostics = diagnostics,
                Expression = expression is null ? null : [expression],
            },
        ],
    };

    public static OperationOutcome Information(string diagnostics) => new()
    {
        Issue = [new OperationOutcomeIssue { Severity = "information", Code = IssueType.Informational, Diagnostics = diagnostics }],
    };
}

/// <summary>R4 OperationOutcome.issue.</summary>
internal sealed record OperationOutcomeIssue
{
    public required string Severity { get; init; }
    public required string Code { get; init; }
    public CodeableConcept? Details { get; init; }
    public string? Diagnostics { get; init; }
    /// <summary>FHIRPath of the element at fault, e.g. <c>Patient.identifier</c> or a search parameter name.</summary>
    public IReadOnlyList<string>? Expression { get; init; }
}

/// <summary>IssueType codes used here (R4 valueset-issue-type, http://hl7.org/fhir/issue-type).</summary>
internal static class IssueType
{
    public const string Invalid = "invalid";
    public const string Structure = "structure";
    public const string Required = "required";
    public const string Value = "value";
    public const string Security = "security";
    public const string Login = "login";
    public const string Forbidden = "forbidden";
    public const string Processing = "processing";
    public const string NotSupported = "not-supported";
    public const string NotFound = "not-found";
    public const string BusinessRule = "business-rule";
    public const string Exception = "exception";
    public const string Informational = "informational";
    public const string Conflict = "conflict";
    public const string Incomplete = "incomplete";
    public const string CodeInvalid = "code-invalid";
    public const string TooCostly = "too-costly";
}
