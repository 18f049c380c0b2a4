using System.Globalization;
using EdgeLab.Fuzz;
using EdgeLab.Fuzz.Targets;
using SharpFuzz;

// edgelab-fuzz: the six fuzz targets of issue 9 behind one command line, for bench/fuzz/fuzz.sh (afl-fuzz) and by hand.
//   list                              targets and what counts as a clean refusal
//   seeds <target> <dir>              writes the seed corpus
//   afl <target>                      the afl-fuzz child: SharpFuzz's out-of-process fork server, persistent
//   replay <target> <file|dir>...     runs saved inputs (afl's crashes/hangs) and prints what each does
//   mutate <target> <inputs> [seed] [crash-dir]   in-process mutation loop without afl (quick runs, the fallback);
//                                     the first crashing inputs are saved to crash-dir for replay
var files = RepositoryFiles.Locate();
if (args.Length == 0 || args[0] is "--help" or "-h")
{
    Console.WriteLine("usage: edgelab-fuzz list | seeds <target> <dir> | afl <target> | replay <target> <file|dir>... | mutate <target> <inputs> [seed] [crash-dir]");
    return args.Length == 0 ? 2 : 0;
}
if (args[0] == "list")
{
    foreach (var t in FuzzTargets.All(files)) Console.WriteLine($"{t.Name,-18} {t.Description}");
    return 0;
}
if (args.Length < 2) return Fail("missing target name");
if (args[0] == "afl")
{
    // Instrumented code may run only once SharpFuzz has mapped afl's coverage memory, i.e. inside the action: the
    // target (which loads profiles and catalogs through instrumented assemblies) is made on the first input.
    IFuzzTarget? lazy = null;
    Fuzzer.OutOfProcess.Run(stream =>
    {
        lazy ??= FuzzTargets.Find(files, args[1]) ?? throw new ArgumentException($"unknown target '{args[1]}'");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        lazy.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}
var target = FuzzTargets.Find(files, args[1]);
if (target is null) return Fail($"unknown target '{args[1]}' (edgelab-fuzz list names them)");

switch (args[0])
{
    case "seeds" when args.Length == 3:
        Directory.CreateDirectory(args[2]);
        var count = 0;
        foreach (var (name, bytes) in target.Seeds(files))
        {
            File.WriteAllBytes(Path.Combine(args[2], name), bytes);
            count++;
        }
        Console.WriteLine($"{target.Name}: {count} seeds in {args[2]}");
        return count > 0 ? 0 : Fail($"{target.Name}: no seeds found under {files.Root}");

    case "replay":
        var crashed = 0;
        foreach (var path in args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]))
        {
            if (Path.GetFileName(path) == "README.txt") continue;
            try
            {
                target.Run(File.ReadAllBytes(path));
                Console.WriteLine($"ok     {path}");
            }
            catch (Exception e)
            {
                crashed++;
                Console.WriteLine($"CRASH  {path}: {e.GetType().Name}: {e.Message}");
                Console.WriteLine(string.Join(Environment.NewLine, e.StackTrace?.Split(Environment.NewLine).Take(6) ?? []));
            }
        }
        return crashed == 0 ? 0 : 1;

    case "mutate" when args.Length >= 3:
        var inputs = long.Parse(args[2], CultureInfo.InvariantCulture);
        var seed = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        var outcome = new MutationLoop(target, target.Seeds(files).Select(s => s.Bytes).ToList(), seed).Run(inputs, TimeSpan.FromSeconds(1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target.Name,-18} inputs {outcome.Inputs,10}  crashes {outcome.Crashes,4}  hangs {outcome.Hangs,4}  execs/s {outcome.ExecsPerSecond,8:F0}  ({outcome.Elapsed.TotalSeconds:F1} s, mutation loop, seed {seed})"));
        var saved = 0;
        foreach (var (input, error) in outcome.FirstCrashes)
        {
            Console.WriteLine($"  crash {error.GetType().Name}: {error.Message} on input {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 64)))}");
            if (args.Length <= 4) continue;
            Directory.CreateDirectory(args[4]);
            File.WriteAllBytes(Path.Combine(args[4], $"{target.Name}-crash-{saved++}"), input);
        }
        return outcome.Crashes + outcome.Hangs == 0 ? 0 : 1;

    default:
        return Fail($"bad arguments for '{args[0]}'");
}

static int Fail(string message)
{
    Console.Error.WriteLine("edgelab-fuzz: " + message);
    return 2;
}
