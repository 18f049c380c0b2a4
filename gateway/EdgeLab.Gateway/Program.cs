using System.CommandLine;
using EdgeLab.Gateway.Hosting;

var root = new RootCommand("EdgeLab gateway: connects a lab's analyzers to the regional hub")
{
    RunCommand.Create(),
    EdgeLab.Gateway.Cli.DecodeCommand.Create(),
    EdgeLab.Gateway.Cli.ProfilesCommand.Create(),
    EdgeLab.Gateway.Cli.StatusCommand.Create(),
    EdgeLab.Gateway.Cli.DetectCommand.Create(),
    EdgeLab.Gateway.Cli.UpdateCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
