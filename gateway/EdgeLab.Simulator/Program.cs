using System.CommandLine;
using EdgeLab.Simulator.Cli;

// edgelab-simulator: behaves as a clinical analyzer on the wire (README.md beside this file).
var time = TimeProvider.System;
var root = new RootCommand("EdgeLab analyzer simulator: plays a laboratory instrument on a serial line or TCP (ASTM LIS01-A2/LIS02-A2, HL7 over MLLP)")
{
    ReplayCommand.Create(time),
    GenerateCommand.Create(time),
    QueryCommand.Create(time),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
