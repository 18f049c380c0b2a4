namespace EdgeLab.Gateway.Tests.LocalStatus;

/// <summary>
/// An ASTM capture (LIS02-A2 records, one per line; the simulator frames them) with a synthetic patient, so a test can
/// prove the technician's view never shows patient data: not the name, id, birth date, specimen id or a value.
/// </summary>
internal static class SyntheticCapture
{
    public const string PatientName = "Synthetova";
    public const string GivenName = "Annushka";
    public const string PatientId = "PAT-SYNTH-7731";
    public const string BirthDate = "19800101";
    public const string SpecimenId = "SPEC-557713";
    public const string Value = "7.219";

    public static readonly string[] Secrets = [PatientName, GivenName, PatientId, BirthDate, SpecimenId, Value];

    public static string Write(string directory)
    {
        var path = Path.Combine(directory, "synthetic_patient.astm");
        File.WriteAllText(path, string.Join('\n',
            @"H|\^&|||XN-550^00-24^22723^^^^SYNTH01||||||||E1394-97",
            $"P|1||{PatientId}||{PatientName}^{GivenName}^Petrovna||{BirthDate}|F",
            $"O|1||^^{SpecimenId}|^^^^WBC|||||||N||||||||||||||F",
            $"R|1|^^^^WBC^1|{Value}|10*3/uL||N||F||||20261121093000",
            "L|1|N") + "\n");
        return path;
    }
}
