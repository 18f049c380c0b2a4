namespace EdgeLab.Hub.Web.Text;

/// <summary>Strings of the send-out pages under the lab console (issue 15 §1): turnaround per route.</summary>
internal static partial class UiText
{
    private static readonly UiStrings TransfersStrings = new()
    {
        { "nav.turnaround", "Сроки передачи проб", "Send-out turnaround" },
        { "turnaround.title", "Сроки выполнения по маршрутам передачи", "Turnaround per send-out route" },
        { "turnaround.intro", "Пробы, отправленные в другие лаборатории или принятые от них: медиана (p50) и 90-й процентиль (p90) в часах по дням отправки.",
            "Specimens sent to other labs or received from them: median (p50) and 90th percentile (p90) in hours, by day of dispatch." },
        { "turnaround.range", "Период отправки", "Dispatch period" },
        { "turnaround.from", "С", "From" },
        { "turnaround.to", "По (включительно)", "To (inclusive)" },
        { "turnaround.show", "Показать", "Show" },
        { "turnaround.empty", "За этот период пробы не отправлялись.", "No specimens were sent out in this period." },
        { "turnaround.caption", "Отправленные с {0} по {1}", "Dispatched {0} to {1}" },
        { "turnaround.route", "Маршрут", "Route" },
        { "turnaround.tasks", "Заданий", "Tasks" },
        { "turnaround.transit", "Отправка → получение", "Dispatch → received" },
        { "turnaround.processing", "Получение → результат", "Received → result" },
        { "turnaround.total", "Всего", "Total" },
        { "turnaround.leg", "p50 {0} ч · p90 {1} ч (n = {2})", "p50 {0} h · p90 {1} h (n = {2})" },
        { "turnaround.none", "ещё нет", "none yet" },
        { "turnaround.legend", "Учитываются только задания, прошедшие оба этапа; незавершённые не занижают медиану.",
            "Only Tasks that reached both ends of a leg count, so open ones do not pull the median down." },
        { "turnaround.baddate", "Дата должна быть в формате ГГГГ-ММ-ДД.", "A date must be YYYY-MM-DD." },
        { "turnaround.badrange", "Начало периода позже конца или период длиннее года.", "The period starts after it ends or is longer than a year." },
    };
}
