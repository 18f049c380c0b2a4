namespace EdgeLab.Contract;

/// <summary>The <c>schema</c> value of each payload kind. A receiver rejects (quarantines) a schema it does not know.</summary>
public static class Schemas
{
    public const string Result = "edgelab.result/1";
    public const string Event = "edgelab.event/1";
    public const string Status = "edgelab.status/1";
    public const string Ack = "edgelab.ack/1";
    public const string Order = "edgelab.order/1";
    public const string Config = "edgelab.config/1";
    public const string Command = "edgelab.cmd/1";
    public const string CommandReply = "edgelab.cmd-reply/1";
    public const string CertificateRequest = "edgelab.cert-request/1";
    public const string Certificate = "edgelab.cert/1";
}
