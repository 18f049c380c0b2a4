namespace EdgeLab.Contract;

/// <summary>
/// Gateway → hub on <c>…/cert-request</c> (issue 12 §1, renewal over MQTT): a PKCS#10 request (PEM) for the gateway's
/// next client certificate, made with a new key that never leaves the box. The hub signs it only for
/// <c>CN=&lt;the gateway id of the topic&gt;</c> and only for an accepted gateway.
/// </summary>
public sealed record CertificateRequestMessage
{
    public string Schema { get; init; } = Schemas.CertificateRequest;
    public required string GatewayId { get; init; }
    /// <summary>Chosen by the gateway; the answer carries it back, so a late answer to an older request is recognised.</summary>
    public required string RequestId { get; init; }
    public required string Csr { get; init; }
}

/// <summary>Hub → gateway on <c>…/cert</c>: the signed certificate (PEM) or why the request was refused.</summary>
public sealed record CertificateMessage
{
    public string Schema { get; init; } = Schemas.Certificate;
    public required string GatewayId { get; init; }
    public required string RequestId { get; init; }
    public string? Certificate { get; init; }
    public string? Error { get; init; }
}
