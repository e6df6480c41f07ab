namespace SesConsole.Domain.Policies;

/// <summary>Whether a diagnostic blocks saving (<see cref="Error"/>) or is only shown (<see cref="Warning"/>).</summary>
public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>
/// Where a policy node sits in the text: a JSON pointer (RFC 6901, <c>/Statement/0/Action/1</c>) and a 1-based line and
/// column. Columns count UTF-16 code units, which is what editors such as Monaco use.
/// </summary>
public sealed record PolicyLocation(string JsonPointer, int Line, int Column)
{
    /// <summary>The location of the whole document (line 1, column 1, empty pointer).</summary>
    public static PolicyLocation Root { get; } = new("", 1, 1);

    /// <inheritdoc />
    public override string ToString() => $"{(JsonPointer.Length == 0 ? "/" : JsonPointer)} (line {Line}, column {Column})";
}

/// <summary>
/// One finding of the parser or the validator, in the shape of cedar's validation errors: severity, a stable machine
/// <see cref="Code"/> (see <see cref="PolicyDiagnosticCodes"/>), a human message, where it is, and an optional hint such as
/// "did you mean `ses:SendRawEmail`?".
/// </summary>
public sealed record PolicyDiagnostic(DiagnosticSeverity Severity, string Code, string Message, PolicyLocation Location, string? Hint = null)
{
    public string JsonPointer => Location.JsonPointer;

    public int Line => Location.Line;

    public int Column => Location.Column;

    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Severity} {Code} at {Location}: {Message}{(Hint is null ? "" : " Hint: " + Hint)}";
}

/// <summary>The stable codes of <see cref="PolicyDiagnostic"/>; tests and the UI key on these, never on messages.</summary>
public static class PolicyDiagnosticCodes
{
    public const string MalformedJson = "policy.malformed_json";
    public const string Empty = "policy.empty";
    public const string TooLarge = "policy.too_large";
    public const string InvalidShape = "policy.invalid_shape";
    public const string UnknownElement = "policy.unknown_element";
    public const string DuplicateKey = "policy.duplicate_key";
    public const string UnsupportedElement = "policy.unsupported_element";
    public const string MissingStatement = "policy.missing_statement";
    public const string MissingEffect = "policy.missing_effect";
    public const string InvalidEffect = "policy.invalid_effect";
    public const string MissingPrincipal = "policy.missing_principal";
    public const string PrincipalNotAllowed = "policy.principal_not_allowed";
    public const string InvalidPrincipal = "policy.invalid_principal";
    public const string PrincipalWildcard = "policy.principal_wildcard";
    public const string UnknownPrincipal = "policy.unknown_principal";
    public const string MissingAction = "policy.missing_action";
    public const string UnknownAction = "policy.unknown_action";
    public const string MissingResource = "policy.missing_resource";
    public const string ResourceCount = "policy.resource_count";
    public const string ResourceMismatch = "policy.resource_mismatch";
    public const string InvalidResource = "policy.invalid_resource";
    public const string ResourceNotAllowed = "policy.resource_not_allowed";
    public const string UnknownOperator = "policy.unknown_operator";
    public const string UnknownConditionKey = "policy.unknown_condition_key";
    public const string InvalidConditionValue = "policy.invalid_condition_value";
    public const string DuplicateSid = "policy.duplicate_sid";

    public const string UnusualVersion = "policy.unusual_version";
    public const string RecipientsPlainOperator = "policy.recipients_plain_operator";
    public const string ForAllValuesWithAllow = "policy.forallvalues_with_allow";
    public const string RegexInLike = "policy.regex_in_like";
    public const string LikeWithoutWildcard = "policy.like_without_wildcard";
    public const string PrincipalIsOwner = "policy.principal_is_owner";
    public const string OperatorKeyMismatch = "policy.operator_key_mismatch";
}
