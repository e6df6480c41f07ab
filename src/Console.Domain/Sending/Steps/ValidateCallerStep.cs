using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 1: the caller is known and chargeable. An IAM principal is charged to its own account; a service principal must say
/// which account it sends for (<c>aws:SourceAccount</c>), which is then the sending account.
/// </summary>
public sealed class ValidateCallerStep : ISendStep
{
    public string Name => "caller";

    public ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var caller = request.Caller;
        if (string.IsNullOrWhiteSpace(request.Region))
        {
            return Done(Reject("The request names no region."));
        }

        var account = caller.SendingAccount;
        if (account is null || !AccountId.Parse(account).IsSuccess)
        {
            return Done(Reject(caller.Principal.IsService
                ? $"The service principal {caller.Principal.Arn} must send on behalf of an account (aws:SourceAccount)."
                : $"The principal {caller.Principal.Arn} has no account."));
        }

        context.SendingAccountId = account;
        return Done(StepResult.Continue(static c => Describe(c.Request, c.SendingAccountId!)));
    }

    private static string Describe(SendRequest request, string account)
    {
        var caller = request.Caller;
        var kind = caller.Principal.Kind switch
        {
            PrincipalKind.AccountRoot => "account root",
            PrincipalKind.User => "IAM user",
            PrincipalKind.Role => "IAM role",
            PrincipalKind.AssumedRole => "assumed-role session",
            _ => "service principal",
        };
        var via = caller.Principal.IsService ? $" for {caller.SourceArn ?? "account " + account}" : "";
        return $"{kind} {caller.Principal.Arn}{via}; sending account {account}; {request.Api} (API version {request.Api.ApiVersion()}) in {request.Region}; " +
               $"source IP {caller.SourceIp ?? "none"}; {(caller.SecureTransport ? "TLS" : "no TLS")}.";
    }

    private static StepResult Reject(string message) => StepResult.Reject(new SendError(SendErrorKind.InvalidCaller, message));

    private static ValueTask<StepResult> Done(StepResult result) => ValueTask.FromResult(result);
}
