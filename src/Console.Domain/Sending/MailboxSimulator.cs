namespace SesConsole.Domain.Sending;

/// <summary>The mailbox simulator's scenarios (docs/ses-behaviour.md#mailbox-simulator).</summary>
public enum SimulatorScenario
{
    /// <summary>Not a simulator address.</summary>
    None,

    /// <summary><c>success@</c>: delivered; a Delivery event.</summary>
    Success,

    /// <summary><c>bounce@</c>: a Permanent/General bounce, 550 5.1.1; the address is not suppressed.</summary>
    Bounce,

    /// <summary><c>ooto@</c>: delivered, then an out-of-office auto-reply to the Return-Path.</summary>
    OutOfOffice,

    /// <summary><c>complaint@</c>: delivered, then an <c>abuse</c> complaint.</summary>
    Complaint,

    /// <summary><c>suppressionlist@</c>: a Permanent/Suppressed bounce, as if on the global suppression list.</summary>
    SuppressionList,
}

/// <summary>
/// Recognises <c>success|bounce|ooto|complaint|suppressionlist@simulator.amazonses.com</c>, with <c>+labels</c>. The local
/// part and the domain compare case-insensitively.
/// </summary>
public static class MailboxSimulator
{
    public const string Domain = "simulator.amazonses.com";

    public static SimulatorScenario Classify(string address)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || !address.AsSpan(at + 1).Equals(Domain, StringComparison.OrdinalIgnoreCase))
        {
            return SimulatorScenario.None;
        }

        var local = address.AsSpan(0, at);
        var plus = local.IndexOf('+');
        if (plus >= 0)
        {
            local = local[..plus];
        }

        return local switch
        {
            _ when local.Equals("success", StringComparison.OrdinalIgnoreCase) => SimulatorScenario.Success,
            _ when local.Equals("bounce", StringComparison.OrdinalIgnoreCase) => SimulatorScenario.Bounce,
            _ when local.Equals("ooto", StringComparison.OrdinalIgnoreCase) => SimulatorScenario.OutOfOffice,
            _ when local.Equals("complaint", StringComparison.OrdinalIgnoreCase) => SimulatorScenario.Complaint,
            _ when local.Equals("suppressionlist", StringComparison.OrdinalIgnoreCase) => SimulatorScenario.SuppressionList,
            _ => SimulatorScenario.None,
        };
    }

    public static bool IsSimulator(string address) => Classify(address) != SimulatorScenario.None;
}
