using Microsoft.JSInterop;
using MudBlazor;

namespace SesConsole.Web.Components.Shared;

/// <summary>Copy buttons: the text to the clipboard and a snackbar, or, when the browser refuses, what to do instead.</summary>
public static class Clipboard
{
    public static async Task CopyAsync(IJSRuntime js, ISnackbar snackbar, string value, string done = "Copied.")
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(snackbar);
        try
        {
            await js.InvokeVoidAsync("navigator.clipboard.writeText", value);
            snackbar.Add(done, Severity.Info);
        }
        catch (JSException)
        {
            snackbar.Add("Your browser refused clipboard access; select the text and copy it instead.", Severity.Warning);
        }
    }
}
