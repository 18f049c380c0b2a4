using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Bad input from a client: turned into an OperationOutcome with the given IssueType, the HTTP status
/// (400 by default; 422 for well-formed content that breaks a business rule, per R4 §3.1.0.4 create/update
/// and §3.1.0.10.2 transaction processing rules), and the element or parameter at fault.
/// </summary>
internal sealed class FhirInputException : Exception
{
    public FhirInputException(string issueType, string message, string? expression = null, int status = StatusCodes.Status400BadRequest)
        : base(message)
    {
        IssueType = issueType;
        Expression = expression;
        Status = status;
    }

    public FhirInputException()
        : this(Resources.IssueType.Invalid, "Invalid input.")
    {
    }

    public FhirInputException(string message)
        : this(Resources.IssueType.Invalid, message)
    {
    }

    public FhirInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        IssueType = Resources.IssueType.Invalid;
        Status = StatusCodes.Status400BadRequest;
    }

    public string IssueType { get; }
    public string? Expression { get; }
    public int Status { get; }

    public OperationOutcome ToOutcome() => OperationOutcome.Error(IssueType, Message, Expression);

    public static FhirInputException Unprocessable(string message, string expression) =>
        new(Resources.IssueType.Value, message, expression, StatusCodes.Status422UnprocessableEntity);
}
