namespace EdgeLab.Hub.Web.Text;

internal static partial class UiText
{
    /// <summary>The cabinet's e-mail account, one-time codes and notifications (issue 14).</summary>
    private static readonly UiStrings MailStrings = new()
    {
        { "mail.link.email", "Электронная почта и уведомления", "E-mail and notifications" },
        { "mail.link.signin", "Войти по электронной почте", "Sign in by e-mail" },
        { "mail.account.title", "Электронная почта и уведомления", "E-mail and notifications" },
        { "mail.account.intro", "Подтвердите адрес электронной почты: потом вы сможете входить по нему и видеть все свои направления, а не только одно.", "Confirm an e-mail address: you can then sign in with it and see all your referrals, not just one." },
        { "mail.account.current", "Подтверждённый адрес", "Confirmed address" },
        { "mail.account.none", "Адрес ещё не подтверждён.", "No address confirmed yet." },
        { "mail.account.address", "Адрес электронной почты", "E-mail address" },
        { "mail.account.addressHint", "Например, name@example.ru. Мы пришлём на него код из 6 цифр.", "E.g. name@example.com. We will send a 6-digit code to it." },
        { "mail.account.send", "Прислать код", "Send the code" },
        { "mail.code.sent", "Мы отправили код на указанный адрес. Код действует 10 минут.", "We sent a code to that address. It is valid for 10 minutes." },
        { "mail.code.sentIfKnown", "Если этот адрес подтверждён в кабинете, мы отправили на него код. Код действует 10 минут.", "If this address is confirmed in a cabinet, we sent a code to it. It is valid for 10 minutes." },
        { "mail.code.label", "Код из письма", "Code from the e-mail" },
        { "mail.code.hint", "6 цифр.", "6 digits." },
        { "mail.code.confirm", "Подтвердить", "Confirm" },
        { "mail.code.signin", "Войти", "Sign in" },
        { "mail.code.wrong", "Код неверный. Осталось попыток: {0}.", "The code is wrong. Attempts left: {0}." },
        { "mail.code.locked", "Слишком много неверных попыток. Запросите новый код.", "Too many wrong attempts. Ask for a new code." },
        { "mail.code.expired", "Срок действия кода истёк. Запросите новый код.", "The code has expired. Ask for a new code." },
        { "mail.code.invalid", "Этот код уже использован или недействителен. Запросите новый код.", "This code was used already or is not valid. Ask for a new code." },
        { "mail.code.badAddress", "Это не похоже на адрес электронной почты. Введите один адрес, например name@example.ru.", "This does not look like an e-mail address. Enter one address, e.g. name@example.com." },
        { "mail.code.taken", "Этот адрес нельзя использовать. Укажите другой адрес.", "This address cannot be used. Give another address." },
        { "mail.code.rateLimited", "Слишком много запросов кода. Попробуйте через час.", "Too many code requests. Try again in an hour." },
        { "mail.account.linked", "Адрес подтверждён.", "The address is confirmed." },
        { "mail.consent.title", "Уведомления о готовности результатов", "Notifications when results are ready" },
        { "mail.consent.wording", "Я согласен(на) получать на этот адрес письма о том, что результаты анализов готовы. В письме не будет результатов и диагнозов — только сообщение и ссылка на кабинет.", "I agree to receive e-mails at this address when my results are ready. The e-mail carries no results and no diagnosis — only the notice and a link to the cabinet." },
        { "mail.consent.given", "Согласие дано {0} (редакция {1}).", "Consent given on {0} (wording {1})." },
        { "mail.consent.withdrawn", "Согласие отозвано {0}.", "Consent withdrawn on {0}." },
        { "mail.consent.give", "Согласен(на) получать уведомления", "I agree to notifications" },
        { "mail.consent.withdraw", "Отозвать согласие", "Withdraw consent" },
        { "mail.signin.title", "Вход по электронной почте", "Sign in by e-mail" },
        { "mail.signin.intro", "Введите адрес, который вы подтвердили в кабинете. Мы пришлём код из 6 цифр.", "Enter the address you confirmed in the cabinet. We will send a 6-digit code." },
        { "mail.resend", "Прислать письмо о готовности ещё раз", "Send the \"results ready\" e-mail again" },
        { "mail.resent", "Письмо о готовности результатов отправлено ещё раз.", "The \"results ready\" e-mail was sent again." },
        { "mail.notResent", "Письмо не отправлено: результаты ещё не готовы или адрес не подтверждён.", "Not sent: the results are not ready yet or no address is confirmed." },
    };
}
