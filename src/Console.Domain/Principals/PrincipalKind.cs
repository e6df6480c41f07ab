namespace SesConsole.Domain.Principals;

/// <summary>What kind of caller a principal is.</summary>
public enum PrincipalKind
{
    /// <summary>The root of an account (<c>arn:aws:iam::ACCOUNT:root</c>); also what a bare account ID names in a policy.</summary>
    AccountRoot,

    /// <summary>An IAM user (<c>arn:aws:iam::ACCOUNT:user/NAME</c>).</summary>
    User,

    /// <summary>An IAM role (<c>arn:aws:iam::ACCOUNT:role/NAME</c>).</summary>
    Role,

    /// <summary>An assumed-role session (<c>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION</c>).</summary>
    AssumedRole,

    /// <summary>An AWS service principal such as <c>cognito-idp.amazonaws.com</c>.</summary>
    Service,
}
