namespace EdgeLab.Hub.Store;

/// <summary>
/// How long a shipment may travel before it is overdue (dispatch → receipt, N hours) and how long the receiving lab
/// has for the results (receipt → result, M hours). One value per hub, registered in DI (no command-line option yet).
/// </summary>
public sealed record TransferDeadlines
{
    public static readonly TransferDeadlines Default = new();

    public TimeSpan Shipment { get; init; } = TimeSpan.FromHours(24);
    public TimeSpan Results { get; init; } = TimeSpan.FromHours(72);
}
