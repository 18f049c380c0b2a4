using EdgeLab.Gateway.LocalStatus;
using EdgeLab.Instruments.Transport;

namespace EdgeLab.Gateway.Tests.LocalStatus;

/// <summary>The words and the health rules behind the status page, the status command and the box's LED.</summary>
public sealed class TechnicianAdviceTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero); // 13:00 in Tomsk (UTC+7)
    private static readonly TimeZoneInfo Tomsk = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tomsk");
    private static readonly UplinkSnapshot Connected = new(true, Now.AddHours(-1), Now.AddSeconds(-5), null);
    private static readonly OutboxStatus Empty = new() { Depth = 0, Full = false };

    private static InstrumentStatus Instrument(string link, InstrumentProblem? problem = null, string transport = "serial", string where = "/dev/ttyUSB0") => new()
    {
        Id = "xn-1",
        Profile = "sysmex-xn",
        Transport = transport,
        Where = where,
        Link = link,
        Since = Now.AddMinutes(-18),
        LastProblem = problem,
    };

    [Theory]
    [InlineData("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", true)]
    [InlineData("en-US,en;q=0.9,ru;q=0.8", false)]
    [InlineData("en;q=0.5,ru;q=0.6", true)]
    [InlineData("de-DE,de;q=0.9", false)]
    [InlineData("ru_RU", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_language_follows_accept_language_weights_with_english_as_the_fallback(string? header, bool russian) =>
        Assert.Equal(russian ? ViewLanguage.Russian : ViewLanguage.English, TechnicianAdvice.Choose(header));

    [Fact]
    public void A_missing_serial_device_says_what_happened_where_and_since_when_in_local_time_and_what_to_do()
    {
        var reason = "cannot open serial /dev/ttyUSB0 9600 8N1: No such file or directory";
        var kind = ProblemClassifier.FromLinkDown(LinkDownKind.PortMissing);
        Assert.Equal(ProblemKind.DeviceMissing, kind);
        var advice = new TechnicianAdvice(ViewLanguage.English, Tomsk, Now).Problem(Instrument("down", new InstrumentProblem(kind, Now.AddMinutes(-18), reason)))!;
        Assert.Equal("The gateway does not see the analyzer's cable on /dev/ttyUSB0 since 12:42.", advice.What);
        Assert.Contains("plugged into the gateway", advice.ToDo, StringComparison.Ordinal);
        var ru = new TechnicianAdvice(ViewLanguage.Russian, Tomsk, Now).Problem(Instrument("down", new InstrumentProblem(kind, Now.AddMinutes(-18), reason)))!;
        Assert.Equal("Шлюз не видит кабель анализатора на /dev/ttyUSB0 с 12:42.", ru.What);
    }

    [Theory]
    [InlineData(LinkDownKind.PortMissing, nameof(ProblemKind.DeviceMissing))]
    [InlineData(LinkDownKind.PermissionDenied, nameof(ProblemKind.DeviceNotPermitted))]
    [InlineData(LinkDownKind.PortInUse, nameof(ProblemKind.PortInUse))]
    [InlineData(LinkDownKind.Unreachable, nameof(ProblemKind.AnalyzerUnreachable))]
    [InlineData(LinkDownKind.PeerClosed, nameof(ProblemKind.PeerClosed))]
    [InlineData(LinkDownKind.ConnectionLost, nameof(ProblemKind.ConnectionLost))]
    [InlineData(LinkDownKind.CannotStart, nameof(ProblemKind.CannotStart))]
    [InlineData(LinkDownKind.Other, nameof(ProblemKind.Other))]
    public void Typed_link_down_reasons_map_to_problems_without_reading_their_text(LinkDownKind reason, string expected) =>
        Assert.Equal(Enum.Parse<ProblemKind>(expected), ProblemClassifier.FromLinkDown(reason));

    [Theory]
    [InlineData(nameof(ProblemKind.DeviceMissing), "does not see the analyzer's cable", "не видит кабель")]
    [InlineData(nameof(ProblemKind.DeviceNotPermitted), "not allowed to open", "запрещено открывать")]
    [InlineData(nameof(ProblemKind.PortInUse), "Another program uses", "занят другой программой")]
    [InlineData(nameof(ProblemKind.AnalyzerUnreachable), "cannot reach the analyzer", "не может связаться")]
    [InlineData(nameof(ProblemKind.PeerClosed), "closed the connection", "закрыл соединение")]
    [InlineData(nameof(ProblemKind.ConnectionLost), "No answer from the analyzer", "не отвечает")]
    [InlineData(nameof(ProblemKind.CannotStart), "settings cannot be used", "Настройки этого прибора не подходят")]
    public void Each_link_down_reason_has_its_own_words_and_a_to_do_in_english_and_russian(string kind, string english, string russian)
    {
        var problem = Instrument("down", new InstrumentProblem(Enum.Parse<ProblemKind>(kind), Now.AddMinutes(-5), "detail"));
        var en = new TechnicianAdvice(ViewLanguage.English, Tomsk, Now).Problem(problem)!;
        var ru = new TechnicianAdvice(ViewLanguage.Russian, Tomsk, Now).Problem(problem)!;
        Assert.Contains(english, en.What, StringComparison.Ordinal);
        Assert.Contains(russian, ru.What, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(en.ToDo));
        Assert.False(string.IsNullOrWhiteSpace(ru.ToDo));
        Assert.DoesNotContain("detail", en.What, StringComparison.Ordinal); // the words, not the technical text
    }

    [Fact]
    public void A_link_problem_the_link_recovered_from_is_not_a_task_but_an_unreadable_message_still_is()
    {
        var words = new TechnicianAdvice(ViewLanguage.English, Tomsk, Now);
        Assert.Null(words.Problem(Instrument("up", new InstrumentProblem(ProblemKind.ConnectionLost, Now.AddHours(-2), "reset"))));
        var unreadable = words.Problem(Instrument("up", new InstrumentProblem(ProblemKind.MessageUnreadable, Now.AddMinutes(-1), "record 2: …")))!;
        Assert.Contains("kept for review, nothing is lost", unreadable.What, StringComparison.Ordinal);
        Assert.Null(words.Problem(Instrument("waiting", transport: "tcp-server", where: "port 5001")));
    }

    [Fact]
    public void Health_is_critical_when_the_store_refuses_attention_when_a_person_is_needed_and_ok_when_idle()
    {
        Assert.Equal(Health.Ok, LocalStatusBuilder.Assess(Now, [Instrument("up"), Instrument("waiting")], Empty, Connected));
        Assert.Equal(Health.Attention, LocalStatusBuilder.Assess(Now, [Instrument("up"), Instrument("down")], Empty, Connected));
        Assert.Equal(Health.Ok, LocalStatusBuilder.Assess(Now, [Instrument("disabled")], Empty, Connected));
        var stale = new OutboxStatus { Depth = 40, OldestUnsentAt = Now.AddMinutes(-11), Full = false };
        Assert.Equal(Health.Attention, LocalStatusBuilder.Assess(Now, [Instrument("up")], stale, Connected));
        Assert.Equal(Health.Ok, LocalStatusBuilder.Assess(Now, [Instrument("up")], Empty, new UplinkSnapshot(false, Now.AddMinutes(-3), null, "reset")));
        Assert.Equal(Health.Attention, LocalStatusBuilder.Assess(Now, [Instrument("up")], Empty, new UplinkSnapshot(false, Now.AddMinutes(-11), null, "reset")));
        Assert.Equal(Health.Critical, LocalStatusBuilder.Assess(Now, [Instrument("up")], Empty with { Full = true }, Connected));
        var failed = Instrument("up", new InstrumentProblem(ProblemKind.StoreFailed, Now.AddSeconds(-3), "disk I/O error")) with { LastMessageAt = Now.AddMinutes(-1) };
        Assert.Equal(Health.Critical, LocalStatusBuilder.Assess(Now, [failed], Empty, Connected));
        Assert.Equal(Health.Ok, LocalStatusBuilder.Assess(Now, [failed with { LastMessageAt = Now }], Empty, Connected));
    }
}
