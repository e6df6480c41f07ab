using SesConsole.Domain.Sending;

namespace SesConsole.Domain.Tests.Sending;

/// <summary>The one table of HTTP statuses per SES API error code (docs/ses-api-errors.md).</summary>
public sealed class SesErrorCodesTests
{
    [Theory]
    [InlineData("InvalidParameterValue", 400)]
    [InlineData("InvalidPolicy", 400)]
    [InlineData("MessageRejected", 400)]
    [InlineData("ConfigurationSetDoesNotExist", 400)]
    [InlineData("ConfigurationSetAlreadyExists", 400)]
    [InlineData("InvalidConfigurationSet", 400)]
    [InlineData("LimitExceeded", 400)]
    [InlineData("ValidationError", 400)]
    [InlineData("Throttling", 400)]
    [InlineData("InvalidAction", 400)]
    [InlineData("IncompleteSignature", 400)]
    [InlineData("RequestExpired", 400)]
    [InlineData("AccessDenied", 403)]
    [InlineData("InvalidClientTokenId", 403)]
    [InlineData("SignatureDoesNotMatch", 403)]
    [InlineData("MissingAuthenticationToken", 403)]
    [InlineData("MalformedQueryString", 404)]
    [InlineData("InternalFailure", 500)]
    [InlineData("ServiceUnavailable", 503)]
    public void V1_StatusAsSesDocumentsIt(string code, int status) => Assert.Equal(status, SesErrorCodes.V1Status(code));

    [Theory]
    [InlineData("BadRequestException", 400)]
    [InlineData("AlreadyExistsException", 400)]
    [InlineData("LimitExceededException", 400)]
    [InlineData("MessageRejected", 400)]
    [InlineData("NotFoundException", 404)]
    [InlineData("UnknownOperationException", 404)]
    [InlineData("AccessDeniedException", 403)]
    [InlineData("InvalidSignatureException", 403)]
    [InlineData("UnrecognizedClientException", 403)]
    [InlineData("TooManyRequestsException", 429)]
    [InlineData("InternalFailure", 500)]
    public void V2_StatusAsTheSesv2ModelHasIt(string exception, int status) => Assert.Equal(status, SesErrorCodes.V2Status(exception));

    [Fact]
    public void V1_OnlyTheServerSideCodesAre5xx_NoClientErrorIs404ButTheMalformedQuery()
    {
        Assert.Equal(["InternalFailure", "ServiceUnavailable"], SesErrorCodes.V1.Where(c => c.Value >= 500).Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["MalformedQueryString"], SesErrorCodes.V1.Where(c => c.Value == 404).Select(c => c.Key));
        Assert.All(SesErrorCodes.V1.Where(c => c.Value < 500), c => Assert.InRange(c.Value, 400, 404));
    }

    [Fact]
    public void EverySendErrorKind_UsesCodesOfTheTable()
    {
        foreach (var kind in Enum.GetValues<SendErrorKind>())
        {
            var (v1, v1Status, v2, v2Status) = SendErrorCatalog.Codes(kind);
            Assert.Equal(SesErrorCodes.V1[v1], v1Status);
            Assert.Equal(SesErrorCodes.V2[v2], v2Status);
        }
    }

    [Fact]
    public void UnknownCode_IsABug() => Assert.Throws<ArgumentOutOfRangeException>(() => SesErrorCodes.V1Status("NoSuchCode"));
}
