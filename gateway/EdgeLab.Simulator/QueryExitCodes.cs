namespace EdgeLab.Simulator;

/// <summary>Exit codes of the <c>query</c> command (ASTM and HL7 alike), as README.md lists them.</summary>
internal static class QueryExitCodes
{
    /// <summary>The host answered with an order.</summary>
    public const int Order = 0;
    /// <summary>The link failed: connection refused or closed, serial device missing.</summary>
    public const int LinkFailed = 1;
    /// <summary>Bad command line.</summary>
    public const int Usage = 2;
    /// <summary>The host answered that it knows nothing of the specimen (ASTM <c>L|1|I</c>, HL7 QAK-2 <c>NF</c>).</summary>
    public const int NothingKnown = 3;
    /// <summary>The host refused the query (HL7 MSA-1 AE/AR/CE/CR or QAK-2 AE/AR, e.g. AR condition 200 when host query is off).</summary>
    public const int Refused = 4;
    /// <summary>No (complete) answer within the reply timeout.</summary>
    public const int Timeout = 5;
    /// <summary>The answer could not be read (the message names the segment and field).</summary>
    public const int MalformedAnswer = 6;
}
