namespace EdgeLab.Hub.Broker;

/// <summary>
/// Where the hub writes the broker's access files and how it tells Mosquitto to reload them
/// (hub/ARCHITECTURE.md "Device trust at the broker"). All paths are on the broker's machine.
/// </summary>
internal sealed record BrokerAccessOptions
{
    /// <summary>The generated ACL (Mosquitto <c>acl_file</c>): the base lines, then one subtree per enabled gateway.</summary>
    public required string AclFile { get; init; }

    /// <summary>Lines copied verbatim to the top of the ACL: the hub users' rights (deploy/mosquitto/edgelab.acl).</summary>
    public string? AclBaseFile { get; init; }

    /// <summary>Every provisioned user's hash (<c>mosquitto_passwd</c> format), enabled or not; the hub never writes it.</summary>
    public string? PasswordSourceFile { get; init; }

    /// <summary>The generated Mosquitto <c>password_file</c>: the source minus disabled and revoked gateways.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>Mosquitto's pid file (<c>pid_file</c>); the hub sends SIGHUP to the pid in it after writing.</summary>
    public string? BrokerPidFile { get; init; }
}
