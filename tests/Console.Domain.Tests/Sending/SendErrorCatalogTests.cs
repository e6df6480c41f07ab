using SesConsole.Domain.Sending;

namespace SesConsole.Domain.Tests.Sending;

/// <summary>Pins the wording of docs/ses-behaviour.md#error-wording exactly.</summary>
public sealed class SendErrorCatalogTests
{
    private const string User = "arn:aws:iam::111122223333:user/x";
    private const string Identity = "arn:aws:ses:us-east-1:888888888888:identity/example.com";

    [Fact]
    public void AccessDenied_EachDialect()
    {
        var error = SendError.AccessDenied(User, "ses:SendEmail", Identity);

        Assert.Equal(new WireError("AccessDenied", 403,
            "User `arn:aws:iam::111122223333:user/x' is not authorized to perform `ses:SendEmail' on resource `arn:aws:ses:us-east-1:888888888888:identity/example.com'"),
            SendErrorCatalog.Render(error, ErrorDialect.V1));
        Assert.Equal(new WireError("AccessDeniedException", 403,
            "User 'arn:aws:iam::111122223333:user/x' is not authorized to perform 'ses:SendEmail' on resource 'arn:aws:ses:us-east-1:888888888888:identity/example.com'"),
            SendErrorCatalog.Render(error, ErrorDialect.V2));
        Assert.Equal(new WireError("554", 0,
            "554 Access denied: User arn:aws:iam::111122223333:user/x is not authorized to perform ses:SendEmail on resource arn:aws:ses:us-east-1:888888888888:identity/example.com"),
            SendErrorCatalog.Render(error, ErrorDialect.Smtp));
    }

    [Fact]
    public void NotVerified_EachDialect()
    {
        var error = SendError.NotVerified("us-east-1", ["a@x.com", "b@y.com"]);
        const string message = "Email address is not verified. The following identities failed the check in region US-EAST-1: a@x.com, b@y.com";

        Assert.Equal(new WireError("MessageRejected", 400, message), SendErrorCatalog.Render(error, ErrorDialect.V1));
        Assert.Equal(new WireError("MessageRejected", 400, message), SendErrorCatalog.Render(error, ErrorDialect.V2));
        Assert.Equal("554 Message rejected: " + message, SendErrorCatalog.Render(error, ErrorDialect.Smtp).Message);
    }

    [Theory]
    [InlineData(SendErrorKind.DailyQuotaExceeded, "Throttling", 400, "LimitExceededException", 400, "454 Throttling failure: Daily message quota exceeded")]
    [InlineData(SendErrorKind.MaxSendRateExceeded, "Throttling", 400, "TooManyRequestsException", 429, "454 Throttling failure: Maximum sending rate exceeded")]
    public void Throttling_EachDialect(SendErrorKind kind, string v1, int v1Status, string v2, int v2Status, string smtp)
    {
        var error = kind == SendErrorKind.DailyQuotaExceeded ? SendError.DailyQuotaExceeded() : SendError.MaxSendRateExceeded();

        Assert.Equal(v1, SendErrorCatalog.Render(error, ErrorDialect.V1).Code);
        Assert.Equal(v1Status, SendErrorCatalog.Render(error, ErrorDialect.V1).HttpStatus);
        Assert.Equal(v2, SendErrorCatalog.Render(error, ErrorDialect.V2).Code);
        Assert.Equal(v2Status, SendErrorCatalog.Render(error, ErrorDialect.V2).HttpStatus);
        Assert.Equal(smtp, SendErrorCatalog.Render(error, ErrorDialect.Smtp).Message);
    }

    [Theory]
    [InlineData(SendErrorKind.AccountSendingPaused, "AccountSendingPausedException", "SendingPausedException")]
    [InlineData(SendErrorKind.AccountSuspended, "AccountSendingPausedException", "AccountSuspendedException")]
    [InlineData(SendErrorKind.MailFromDomainNotVerified, "MailFromDomainNotVerifiedException", "MailFromDomainNotVerifiedException")]
    [InlineData(SendErrorKind.InvalidParameterValue, "InvalidParameterValue", "BadRequestException")]
    [InlineData(SendErrorKind.MessageTooLarge, "MessageRejected", "MessageRejected")]
    public void OtherKinds_Codes(SendErrorKind kind, string v1, string v2)
    {
        var codes = SendErrorCatalog.Codes(kind);

        Assert.Equal((v1, v2), (codes.V1Code, codes.V2Code));
    }

    [Fact]
    public void EveryKind_HasAMapping()
    {
        foreach (var kind in Enum.GetValues<SendErrorKind>())
        {
            var error = new SendError(kind, "m");
            Assert.All(Enum.GetValues<ErrorDialect>(), d => Assert.NotEmpty(SendErrorCatalog.Render(error, d).Code));
        }
    }

    [Fact]
    public void MessageTooLarge_Smtp552()
    {
        Assert.Equal("552 Message is too long.", SendErrorCatalog.Render(new SendError(SendErrorKind.MessageTooLarge, "x"), ErrorDialect.Smtp).Message);
    }

    [Theory]
    [InlineData(SendApi.V1SendEmail, "ses:SendEmail", "1")]
    [InlineData(SendApi.V1SendRawEmail, "ses:SendRawEmail", "1")]
    [InlineData(SendApi.V1SendTemplatedEmail, "ses:SendTemplatedEmail", "1")]
    [InlineData(SendApi.V1SendBulkTemplatedEmail, "ses:SendBulkTemplatedEmail", "1")]
    [InlineData(SendApi.V2Simple, "ses:SendEmail", "2")]
    [InlineData(SendApi.V2Raw, "ses:SendRawEmail", "2")]
    [InlineData(SendApi.V2Template, "ses:SendTemplatedEmail", "2")]
    [InlineData(SendApi.Smtp, "ses:SendRawEmail", "2")]
    public void ActionMapping_Section8Item4(SendApi api, string action, string version)
    {
        Assert.Equal([action], api.Actions());
        Assert.Equal(version, api.ApiVersion());
    }

    [Fact]
    public void ActionMapping_V2BulkNeedsBoth()
    {
        Assert.Equal(["ses:SendBulkEmail", "ses:SendBulkTemplatedEmail"], SendApi.V2Bulk.Actions());
        Assert.Equal(ErrorDialect.V2, SendApi.V2Bulk.Dialect());
    }
}
