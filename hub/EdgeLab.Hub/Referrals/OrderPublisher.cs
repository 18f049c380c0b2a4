using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Referrals;

/// <summary>Sends order upserts and cancels (one <see cref="OrderMessage"/> per specimen) to every gateway of the performing lab.</summary>
internal interface IOrderPublisher
{
    Task PublishAsync(RegisteredReferral referral, string action, CancellationToken cancellationToken = default);
}

/// <summary>Publishes on <c>…/orders</c> at QoS 1; a gateway's order cache answers its analyzers' host queries.</summary>
internal sealed partial class MqttOrderPublisher(IMqttClient mqtt, IDirectoryStore directory, ITestCatalog catalog, TimeProvider time, ILogger<MqttOrderPublisher> logger)
    : IOrderPublisher
{
    public async Task PublishAsync(RegisteredReferral referral, string action, CancellationToken cancellationToken = default)
    {
        var gateways = await directory.ListGatewaysAsync(referral.Referral.PerformingLabId, cancellationToken).ConfigureAwait(false);
        foreach (var message in Build(referral, action, catalog, time.GetUtcNow()))
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Default.OrderMessage);
            foreach (var gw in gateways)
            {
                try
                {
                    var result = await mqtt.PublishAsync(new MqttApplicationMessage
                    {
                        Topic = Topics.Orders(gw.Id),
                        Payload = payload,
                        QualityOfService = MqttQualityOfService.AtLeastOnce,
                        ContentType = "application/json",
                    }, cancellationToken).ConfigureAwait(false);
                    if (!result.IsSuccess) OrderFailed(logger, referral.Referral.Id, gw.Id, result.ReasonCode.ToString());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    OrderFailed(logger, referral.Referral.Id, gw.Id, ex.Message);
                }
            }
        }
    }

    public static IEnumerable<OrderMessage> Build(RegisteredReferral referral, string action, ITestCatalog catalog, DateTimeOffset at)
    {
        var patient = referral.Patient;
        foreach (var specimen in referral.Specimens)
        {
            yield return new OrderMessage
            {
                Action = action,
                OrderId = referral.Referral.Id,
                SpecimenId = specimen.Id,
                Patient = new OrderPatient
                {
                    Id = patient.Id,
                    FamilyName = patient.FamilyName,
                    GivenName = patient.GivenName,
                    BirthDate = patient.BirthDate,
                    Sex = patient.Sex switch { Sex.Male => "M", Sex.Female => "F", _ => "U" },
                },
                Tests = specimen.TestCodes.Select(code =>
                {
                    var test = catalog.Find(code);
                    return new OrderTest
                    {
                        Code = code,
                        Name = test?.Name,
                        InstrumentCodes = test?.InstrumentCodes.GroupBy(m => m.Profile).ToDictionary(g => g.Key, g => g.First().Code) ?? [],
                    };
                }).ToList(),
                Priority = referral.Referral.Priority,
                SpecimenType = specimen.Type,
                CollectedAt = specimen.CollectedAt,
                At = at,
            };
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Order {ReferralId} could not be sent to gateway {GatewayId}: {Reason}")]
    private static partial void OrderFailed(ILogger logger, string referralId, string gatewayId, string reason);
}
