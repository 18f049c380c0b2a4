namespace EdgeLab.Fuzz.Targets;

/// <summary>The six targets of issue 9 ("Fuzzing"), in data-flow order: gateway line → records → MQTT → hub.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All(RepositoryFiles files) =>
    [
        new AstmFrameTarget(),
        new Lis2RecordTarget(files),
        new Hl7Target(files),
        new MqttPacketTarget(),
        new PayloadTriageTarget(),
        new FhirTransactionTarget(),
    ];

    public static IFuzzTarget? Find(RepositoryFiles files, string name) =>
        All(files).FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
}
