namespace SesConsole.Domain.Sending;

/// <summary>The API call a send arrived through; it decides the IAM action(s), <c>ses:ApiVersion</c> and the error dialect.</summary>
public enum SendApi
{
    /// <summary>SES v1 <c>SendEmail</c>.</summary>
    V1SendEmail,

    /// <summary>SES v1 <c>SendRawEmail</c>.</summary>
    V1SendRawEmail,

    /// <summary>SES v1 <c>SendTemplatedEmail</c>.</summary>
    V1SendTemplatedEmail,

    /// <summary>SES v1 <c>SendBulkTemplatedEmail</c>.</summary>
    V1SendBulkTemplatedEmail,

    /// <summary>SES v2 <c>SendEmail</c> with <c>Content.Simple</c>.</summary>
    V2Simple,

    /// <summary>SES v2 <c>SendEmail</c> with <c>Content.Raw</c>.</summary>
    V2Raw,

    /// <summary>SES v2 <c>SendEmail</c> with <c>Content.Template</c>.</summary>
    V2Template,

    /// <summary>SES v2 <c>SendBulkEmail</c> (one entry; the adapter runs the pipeline per bulk entry).</summary>
    V2Bulk,

    /// <summary>The SMTP interface (authorized as <c>ses:SendRawEmail</c> with <c>ses:ApiVersion</c> "2").</summary>
    Smtp,
}

/// <summary>How an error is spelled back to the caller.</summary>
public enum ErrorDialect
{
    /// <summary>SES v1 Query API: error code and HTTP status.</summary>
    V1,

    /// <summary>SES v2 REST API: exception name and HTTP status.</summary>
    V2,

    /// <summary>SMTP: a reply line.</summary>
    Smtp,
}

/// <summary>The per-API action mapping (docs/ses-behaviour.md#actions) and the other per-API facts.</summary>
public static class SendApiRules
{
    private static readonly string[] SendEmail = ["ses:SendEmail"];
    private static readonly string[] SendRawEmail = ["ses:SendRawEmail"];
    private static readonly string[] SendTemplatedEmail = ["ses:SendTemplatedEmail"];
    private static readonly string[] SendBulkTemplatedEmail = ["ses:SendBulkTemplatedEmail"];
    private static readonly string[] SendBulkEmail = ["ses:SendBulkEmail", "ses:SendBulkTemplatedEmail"];

    /// <summary>The IAM action(s) every identity used must be authorized for (docs/ses-behaviour.md#actions).</summary>
    public static IReadOnlyList<string> Actions(this SendApi api) => api switch
    {
        SendApi.V1SendEmail or SendApi.V2Simple => SendEmail,
        SendApi.V1SendRawEmail or SendApi.V2Raw or SendApi.Smtp => SendRawEmail,
        SendApi.V1SendTemplatedEmail or SendApi.V2Template => SendTemplatedEmail,
        SendApi.V1SendBulkTemplatedEmail => SendBulkTemplatedEmail,
        SendApi.V2Bulk => SendBulkEmail,
        _ => throw new ArgumentOutOfRangeException(nameof(api), api, null),
    };

    /// <summary>The value of <c>ses:ApiVersion</c>: "1" for v1, "2" for v2 and SMTP.</summary>
    public static string ApiVersion(this SendApi api) => api.Dialect() == ErrorDialect.V1 ? "1" : "2";

    public static ErrorDialect Dialect(this SendApi api) => api switch
    {
        SendApi.V2Simple or SendApi.V2Raw or SendApi.V2Template or SendApi.V2Bulk => ErrorDialect.V2,
        SendApi.Smtp => ErrorDialect.Smtp,
        _ => ErrorDialect.V1,
    };

    /// <summary>Whether the call carries a raw MIME message (and so may carry the <c>X-SES-*-ARN</c> headers, docs/ses-behaviour.md#x-ses-headers).</summary>
    public static bool IsRaw(this SendApi api) => api is SendApi.V1SendRawEmail or SendApi.V2Raw or SendApi.Smtp;

    public static bool IsV2(this SendApi api) => api is SendApi.V2Simple or SendApi.V2Raw or SendApi.V2Template or SendApi.V2Bulk;
}
