using System.CommandLine;
using EdgeLab.Demo;
using EdgeLab.LocalServices;

var once = new Option<bool>("--once") { Description = "Exit 0 as soon as the first result is visible through the FHIR API (non-zero with a reason after --timeout)" };
var timeout = new Option<int>("--timeout") { Description = "Seconds --once waits for the first result", DefaultValueFactory = _ => 60 };
var repo = new Option<string?>("--repo") { Description = "The EdgeLab repository root (found automatically when omitted)" };
var data = new Option<string?>("--data") { Description = "Keep the hub's and gateway's data in this folder (default: a temp folder removed at exit)" };
var root = new RootCommand("EdgeLab end-to-end demo: broker, hub, gateway and two simulated analyzers on this machine, every part real")
{
    once, timeout, repo, data,
};
root.SetAction(async (parse, ct) =>
{
    var options = new DemoOptions
    {
        Once = parse.GetValue(once),
        Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
        RepositoryRoot = parse.GetValue(repo) ?? EdgeLabComponents.RepositoryRoot(),
        DataDirectory = parse.GetValue(data),
    };
    using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    return await new DemoRun(options, Console.Out).RunAsync(stop.Token);
});
return await root.Parse(args).InvokeAsync();
