namespace EdgeLab.Hub.Web.Text;

/// <summary>Strings of the clinic view: the clinic's referrals, one referral's results, the cumulative view (issue 13).</summary>
internal static partial class UiText
{
    private static readonly UiStrings ClinicStrings = new()
    {
        { "clinic.title", "Направления клиники", "Clinic referrals" },
        { "clinic.filter", "Поиск: фамилия пациента или номер направления", "Search: patient's family name or referral number" },
        { "clinic.referral", "Направление", "Referral" },
        { "clinic.created", "Создано", "Created" },
        { "clinic.status", "Состояние", "Status" },
        { "clinic.released", "Готово", "Reported" },
        { "clinic.released.count", "{0} из {1}", "{0} of {1}" },
        { "clinic.next", "Следующие направления →", "Next referrals →" },
        { "clinic.status.registered", "○ зарегистрировано", "○ registered" },
        { "clinic.status.received", "◔ пробы получены", "◔ specimens received" },
        { "clinic.status.inprogress", "◑ выполняется", "◑ in progress" },
        { "clinic.status.partiallyreported", "◕ готово частично", "◕ partially reported" },
        { "clinic.status.fullyreported", "● готово полностью", "● fully reported" },
        { "clinic.status.cancelled", "✖ отменено", "✖ cancelled" },
        { "clinic.referral.title", "Направление {0}", "Referral {0}" },
        { "clinic.results", "Результаты", "Results" },
        { "clinic.measured", "Выполнено", "Measured" },
        { "clinic.result.none", "результата ещё нет", "no result yet" },
        { "clinic.result.held", "на проверке у врача лаборатории", "being checked by the lab doctor" },
        { "clinic.result.rerun", "назначен повтор", "rerun requested" },
        { "clinic.result.rejected", "отклонён лабораторией", "rejected by the lab" },
        { "clinic.cumulative.link", "Все результаты пациента (динамика)", "All of the patient's results (cumulative)" },
        { "clinic.cumulative.title", "Динамика результатов пациента", "Patient's cumulative results" },
        { "clinic.report.pdf", "Бланк результатов (PDF)", "Result report (PDF)" },
    };
}
