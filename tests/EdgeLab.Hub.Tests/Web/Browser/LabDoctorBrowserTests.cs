using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Web.Auth;
using Microsoft.Playwright;

namespace EdgeLab.Hub.Tests.Web.Browser;

/// <summary>
/// The lab doctor and the clinic doctor in Debian's Chromium (issue 13): an abnormal result waits on the worklist and
/// the doctor releases it; a critical value is on the board and is acknowledged with the read-back; the clinic doctor
/// then reads the referral and the cumulative view. Every page: a screenshot and axe-core with 0 serious violations.
/// </summary>
public sealed class LabDoctorBrowserTests
{
    private const string ClinicDoctor = "clin.sokolova";
    private readonly List<string> _violations = [];

    [Fact]
    public async Task An_abnormal_result_waits_the_doctor_releases_it_and_a_critical_value_is_acknowledged()
    {
        await using var host = await WebTestHost.StartAsync("sqlite");
        await WebTestHost.AddPersonAsync(host.Hub, ClinicDoctor, "Соколова Н. Н.", TestHub.Clinic, WebRole.ClinicDoctor);
        var earlier = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, earlier.Specimens.Single().Id, hgb: "13.5", completed: Messages.At.AddDays(-10)))]);
        var abnormal = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, abnormal.Specimens.Single().Id, hgb: "11.0"))]);
        var critical = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(3, critical.Specimens.Single().Id, hgb: "6.0"))]);
        // A message from a gateway the hub does not know, for the provenance queue.
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, earlier.Specimens.Single().Id, gateway: "lab-9-gw77", hgb: "5.8"))]);
        await using var browser = await BrowserSession.StartAsync();

        var doctor = await browser.NewPageAsync(host.Address);
        await doctor.GotoAsync("/signin");
        await SignInAsync(doctor, WebTestHost.Doctor);
        await doctor.GetByRole(AriaRole.Link, new() { Name = "Валидация результатов" }).ClickAsync();
        var group = doctor.Locator($"#referral-{abnormal.Referral.Id}");
        await Assertions.Expect(group).ToContainTextAsync("вне референсного интервала");
        await Assertions.Expect(group).ToContainTextAsync("135 g/L");
        await CheckPageAsync(doctor, "11-validation-worklist");
        await group.GetByRole(AriaRole.Button, new() { Name = "Выпустить HGB" }).ClickAsync();
        await Assertions.Expect(doctor.GetByRole(AriaRole.Status)).ToContainTextAsync("выпущен");
        await Assertions.Expect(doctor.Locator($"#referral-{abnormal.Referral.Id}")).ToHaveCountAsync(0);
        var released = (await host.Hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { ReferralId = abnormal.Referral.Id, Codes = ["HGB"] })).Items.Single();
        Assert.Equal(ValidationState.Released, released.Validation);

        await doctor.GetByRole(AriaRole.Link, new() { Name = "Критические значения" }).ClickAsync();
        await Assertions.Expect(doctor.Locator("main")).ToContainTextAsync("Clinic One");
        await CheckPageAsync(doctor, "12-critical-values");
        await doctor.GetByLabel("Кому сообщено").FillAsync("Сидоров С. С., дежурный врач");
        await doctor.GetByLabel("Собеседник повторил значение").CheckAsync();
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Подтвердить сообщение" }).ClickAsync();
        await Assertions.Expect(doctor.GetByRole(AriaRole.Status)).ToContainTextAsync("подтверждено");
        Assert.Empty(await host.Hub.Store.ListCriticalBoardAsync(AccessScope.Region));

        await doctor.GetByRole(AriaRole.Link, new() { Name = "Нарушения происхождения" }).ClickAsync();
        await Assertions.Expect(doctor.Locator("tbody tr")).ToHaveCountAsync(1);
        await CheckPageAsync(doctor, "13-provenance-violations");

        var clinic = await browser.NewPageAsync(host.Address);
        await clinic.GotoAsync("/signin");
        await SignInAsync(clinic, ClinicDoctor);
        await clinic.GetByRole(AriaRole.Link, new() { Name = "Направления клиники" }).ClickAsync();
        await CheckPageAsync(clinic, "14-clinic-referrals");
        await clinic.GetByRole(AriaRole.Link, new() { Name = abnormal.Referral.Id }).ClickAsync();
        await Assertions.Expect(clinic.Locator("main")).ToContainTextAsync("↓ ниже нормы");
        await CheckPageAsync(clinic, "15-clinic-referral");
        await clinic.GetByRole(AriaRole.Link, new() { Name = "Все результаты пациента" }).ClickAsync();
        await CheckPageAsync(clinic, "16-cumulative");

        Assert.Empty(_violations);
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        await page.GetByLabel("Логин").FillAsync(login);
        await page.GetByLabel("Пароль").FillAsync(WebTestHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
    }

    private async Task CheckPageAsync(IPage page, string name)
    {
        await BrowserSession.ScreenshotAsync(page, name);
        _violations.AddRange((await BrowserSession.SeriousViolationsAsync(page)).Select(v => $"{name}: {v}"));
    }
}
