using System.CommandLine;

namespace EdgeLab.Hub.Auth;

/// <summary><c>edgelab-hub clients …</c>: register API client systems (EMRs) and issue their bearer tokens.</summary>
internal static class ClientsCommand
{
    public static Command Create() => new("clients", "Manage API client systems (EMRs) and their bearer tokens");
}
