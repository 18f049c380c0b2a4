namespace EdgeLab.Instruments.Message.Lis2.Records;

/// <summary>Patient Information Record, <c>P</c> (LIS02-A2 §8). Starts a patient group; orders follow it.</summary>
internal readonly ref struct PatientRecord(Lis2Record record)
{
    /// <summary>§8.1.2 Sequence Number.</summary>
    public const int SequenceNumber = 2;
    /// <summary>§8.1.3 Practice Assigned Patient ID.</summary>
    public const int PracticeAssignedPatientId = 3;
    /// <summary>§8.1.4 Laboratory Assigned Patient ID.</summary>
    public const int LaboratoryAssignedPatientId = 4;
    /// <summary>§8.1.5 Patient ID No. 3.</summary>
    public const int PatientIdNumber3 = 5;
    /// <summary>§8.1.6 Patient Name (last^first^middle^suffix^title).</summary>
    public const int PatientName = 6;
    /// <summary>§8.1.7 Mother's Maiden Name.</summary>
    public const int MothersMaidenName = 7;
    /// <summary>§8.1.8 Birthdate.</summary>
    public const int Birthdate = 8;
    /// <summary>§8.1.9 Patient Sex (M, F, U).</summary>
    public const int PatientSex = 9;
    /// <summary>§8.1.14 Attending Physician ID.</summary>
    public const int AttendingPhysicianId = 14;
    /// <summary>§8.1.26 Location.</summary>
    public const int Location = 26;

    public Lis2Record Record { get; } = record;
    public Lis2Field Field(int number) => Record.Field(number);
}
