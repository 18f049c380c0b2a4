using System.Globalization;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>
/// The cabinet's e-mails, in Russian with English below (the patient's language is not known when mail is sent).
/// Issue 14: a "results ready" mail carries no result, no test name and no diagnosis — that results are ready and
/// where to read them; no name either, since mail passes through servers the lab does not run. No link carries patient
/// data: the link is the cabinet's address only.
/// </summary>
internal static class CabinetMailText
{
    public const string CodeSubject = "Код для личного кабинета / Your cabinet code";

    public static string CodeBody(string code, TimeSpan lifetime) => string.Create(CultureInfo.InvariantCulture, $"""
        Ваш одноразовый код: {code}
        Код действует {(int)lifetime.TotalMinutes} минут. Никому его не сообщайте. Если вы не запрашивали код, ничего не делайте.

        Your one-time code: {code}
        It is valid for {(int)lifetime.TotalMinutes} minutes. Do not share it. If you did not ask for a code, do nothing.
        """);

    public const string ReadySubject = "Результаты анализов готовы / Your results are ready";
    public const string CorrectedSubject = "Результаты анализов уточнены / Your results were corrected";

    public static string ReadyBody(string cabinetUrl) => $"""
        Здравствуйте!
        Готовы результаты ваших анализов. Посмотреть их можно в личном кабинете: {cabinetUrl}
        Войдите по адресу электронной почты и одноразовому коду или по коду с бланка направления.

        Hello,
        Your laboratory results are ready. Read them in your patient cabinet: {cabinetUrl}
        Sign in with your e-mail and a one-time code, or with the code on your referral slip.
        """;

    public static string CorrectedBody(string cabinetUrl) => $"""
        Здравствуйте!
        Лаборатория уточнила результаты ваших анализов. Посмотреть их можно в личном кабинете: {cabinetUrl}

        Hello,
        The laboratory corrected some of your results. Read them in your patient cabinet: {cabinetUrl}
        """;

    /// <summary>The wording the patient agrees to; its version is stored with the consent.</summary>
    public const string ConsentVersion = "2026-12-v1";
}
