using System.Text.Json;

namespace SesConsole.Web.Features.Reputation;

/// <summary>
/// Reads the drill-down rows of a stored Bounce or Complaint event (its SES notification JSON): one row per bounced or
/// complained recipient, with the DSN's status, diagnostic code and reporting MTA, or the ARF report's feedback type.
/// </summary>
public static class FeedbackDetails
{
    /// <param name="recipient">The event's single recipient when it has one (the row's column); null when the JSON lists several.</param>
    public static IEnumerable<FeedbackRow> Read(DateTimeOffset at, string messageId, string type, string? recipient, string json, bool counts, string sourceArn)
    {
        ArgumentNullException.ThrowIfNull(json);
        List<FeedbackRow> rows = [];
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (type == "Bounce" && root.TryGetProperty("bounce", out var bounce))
            {
                var detail = $"{Text(bounce, "bounceType") ?? "Undetermined"} / {Text(bounce, "bounceSubType") ?? "Undetermined"}";
                var mta = Text(bounce, "reportingMTA");
                if (bounce.TryGetProperty("bouncedRecipients", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var r in list.EnumerateArray())
                    {
                        var address = Text(r, "emailAddress") ?? "";
                        if (recipient is null || string.Equals(address, recipient, StringComparison.OrdinalIgnoreCase))
                        {
                            rows.Add(new FeedbackRow(at, messageId, address, type, detail, Text(r, "status"), Text(r, "diagnosticCode"), mta, counts, sourceArn));
                        }
                    }
                }
            }
            else if (type == "Complaint" && root.TryGetProperty("complaint", out var complaint))
            {
                var feedbackType = Text(complaint, "complaintFeedbackType");
                var subType = Text(complaint, "complaintSubType");
                var detail = subType is not null ? $"{feedbackType ?? "complaint"} ({subType})" : feedbackType ?? "No feedback type";
                if (complaint.TryGetProperty("complainedRecipients", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var r in list.EnumerateArray())
                    {
                        var address = Text(r, "emailAddress") ?? "";
                        if (recipient is null || string.Equals(address, recipient, StringComparison.OrdinalIgnoreCase))
                        {
                            rows.Add(new FeedbackRow(at, messageId, address, type, detail, null, null, Text(complaint, "userAgent"), counts, sourceArn));
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Shown as unreadable below rather than failing the page.
        }

        if (rows.Count == 0)
        {
            rows.Add(new FeedbackRow(at, messageId, recipient ?? "", type, "Details unreadable", null, null, null, counts, sourceArn));
        }

        return rows;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
