using MudBlazor;

namespace SesConsole.Web.Components.Layout;

/// <summary>
/// The one theme of the console. Every colour that carries text meets WCAG AA (4.5:1) wherever MudBlazor draws it: white
/// text on the filled colour (chips, buttons, snackbars), the colour as text on the page background and on its own light
/// tint (outlined and text buttons, text chips, alerts), and secondary text on the page background. MudBlazor's defaults
/// (Success #00c853, Error #f44336, Warning #ff9800, Info #2196f3, TextSecondary at 54% black) fail that; the axe-core
/// run of the e2e suite (e2e/Console.E2E/AccessibilityTests.cs) keeps it so.
/// </summary>
public static class ConsoleTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00695c",
            Info = "#0d5aa7",
            Success = "#1e6b23",
            Warning = "#8a4f00",
            Error = "#b71c1c",
            AppbarBackground = "#283593",
            Background = "#f5f6fa",
            DrawerBackground = "#ffffff",
            TextSecondary = "rgba(0,0,0,0.66)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
        },
    };
}
