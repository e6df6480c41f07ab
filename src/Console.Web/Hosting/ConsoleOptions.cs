namespace SesConsole.Web.Hosting;

/// <summary>Bound from the <c>Console</c> configuration section.</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>Where the SQLite file, the Data Protection key ring and other local state live. Relative paths resolve
    /// against the content root. Defaults to <c>data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The regions this installation serves (identities, ARNs and home regions use them).</summary>
    public List<string> Regions { get; set; } = [];

    /// <summary>Service principals that policies may name (for example <c>cognito-idp.amazonaws.com</c>).</summary>
    public List<string> ServicePrincipals { get; set; } = [];

    /// <summary>Path of a provisioning file applied at start-up (also <c>--provision PATH</c>).</summary>
    public string? ProvisioningFile { get; set; }

    /// <summary>The console's public address, used in links the console mails (verification). Defaults to the address the
    /// request came in on.</summary>
    public string? PublicBaseUrl { get; set; }

    public IReadOnlyList<string> EffectiveRegions => Regions.Count > 0 ? Regions : ["us-east-1"];
}
