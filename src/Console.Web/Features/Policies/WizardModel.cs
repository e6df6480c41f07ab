using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SesConsole.Domain.Policies;

namespace SesConsole.Web.Features.Policies;

/// <summary>
/// The visual editor's model of a policy, read from and written back to JSON. Everything the wizard does not edit
/// (unknown elements, non-string values, odd shapes) is kept verbatim in <c>Extra</c> / raw nodes and written back
/// unchanged, so JSON → wizard → JSON never loses anything.
/// </summary>
public sealed class WizardPolicy
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public JsonNode? Version { get; set; }

    public JsonNode? Id { get; set; }

    /// <summary>Whether Statement was a single object (kept on write when there is still one statement).</summary>
    public bool StatementWasObject { get; set; }

    public List<WizardStatement> Statements { get; } = [];

    /// <summary>Top-level elements the wizard does not edit, kept in order.</summary>
    public JsonObject Extra { get; } = [];

    /// <summary>Reads <paramref name="text"/>; fails (with the reason) when it is not a JSON object.</summary>
    public static bool TryParse(string? text, out WizardPolicy policy, out string? error)
    {
        policy = new WizardPolicy();
        error = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            error = $"The JSON does not parse ({e.Message.Split('.')[0]}). Fix it in JSON mode first.";
            return false;
        }

        if (root is not JsonObject obj)
        {
            error = "A policy is a JSON object. Fix it in JSON mode first.";
            return false;
        }

        foreach (var (key, value) in obj)
        {
            switch (key)
            {
                case "Version":
                    policy.Version = value?.DeepClone();
                    break;
                case "Id":
                    policy.Id = value?.DeepClone();
                    break;
                case "Statement" when value is JsonObject single:
                    policy.StatementWasObject = true;
                    policy.Statements.Add(WizardStatement.From(single));
                    break;
                case "Statement" when value is JsonArray array && array.All(s => s is JsonObject):
                    policy.Statements.AddRange(array.Select(s => WizardStatement.From((JsonObject)s!)));
                    break;
                default:
                    policy.Extra[key] = value?.DeepClone();
                    break;
            }
        }

        return true;
    }

    public JsonObject ToJsonObject()
    {
        var obj = new JsonObject();
        if (Version is not null)
        {
            obj[nameof(Version)] = Version.DeepClone();
        }

        if (Id is not null)
        {
            obj[nameof(Id)] = Id.DeepClone();
        }

        if (!Extra.ContainsKey("Statement"))
        {
            obj["Statement"] = StatementWasObject && Statements.Count == 1
                ? Statements[0].ToJsonObject()
                : new JsonArray([.. Statements.Select(s => (JsonNode)s.ToJsonObject())]);
        }

        foreach (var (key, value) in Extra)
        {
            obj[key] = value?.DeepClone();
        }

        return obj;
    }

    public string ToJson() => ToJsonObject().ToJsonString(Indented);

    /// <summary>
    /// Why the cards cannot be written to JSON as they are (empty when they can): each statement's
    /// <see cref="WizardStatement.Problems"/>, named by statement.
    /// </summary>
    public IReadOnlyList<string> Problems() =>
        [.. Statements.SelectMany((s, i) => s.Problems().Select(p => $"Statement {(string.IsNullOrEmpty(s.Sid) ? (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : s.Sid)}: {p}"))];
}

/// <summary>One statement card.</summary>
public sealed class WizardStatement
{
    public string? Sid { get; set; }

    public bool HasSid { get; set; }

    public string Effect { get; set; } = "Allow";

    public bool HasPrincipal { get; set; } = true;

    /// <summary><c>"Principal": "*"</c>.</summary>
    public bool Everyone { get; set; }

    public WizardList Aws { get; set; } = new();

    public WizardList Services { get; set; } = new();

    /// <summary>Principal members other than AWS/Service, kept verbatim.</summary>
    public JsonObject PrincipalExtra { get; } = [];

    public bool HasAction { get; set; } = true;

    public WizardList Actions { get; set; } = new() { IsArray = true };

    public JsonNode? Resource { get; set; }

    public List<WizardCondition> Conditions { get; } = [];

    /// <summary>Condition operators whose block is not an object of string values, kept verbatim.</summary>
    public JsonObject ConditionExtra { get; } = [];

    /// <summary>Statement elements the wizard cannot represent (NotPrincipal, NotAction, odd shapes…), kept verbatim and shown read-only.</summary>
    public JsonObject Extra { get; } = [];

    public static WizardStatement New(string identityArn) => new()
    {
        Sid = "", HasSid = true, Effect = "Allow",
        Actions = new WizardList { IsArray = true, Items = ["ses:SendEmail", "ses:SendRawEmail"] },
        Resource = JsonValue.Create(identityArn),
    };

    public static WizardStatement From(JsonObject obj)
    {
        var s = new WizardStatement { HasPrincipal = false, HasAction = false };
        foreach (var (key, value) in obj)
        {
            switch (key)
            {
                case "Sid" when value is JsonValue v && v.TryGetValue<string>(out var sid):
                    s.Sid = sid;
                    s.HasSid = true;
                    break;
                case "Effect" when value is JsonValue v && v.TryGetValue<string>(out var effect):
                    s.Effect = effect;
                    break;
                case "Principal" when value is JsonValue v && v.TryGetValue<string>(out var star) && star == "*":
                    s.HasPrincipal = true;
                    s.Everyone = true;
                    break;
                case "Principal" when value is JsonObject p && WizardList.CanRead(p["AWS"]) && WizardList.CanRead(p["Service"]):
                    s.HasPrincipal = true;
                    foreach (var (pk, pv) in p)
                    {
                        if (pk == "AWS")
                        {
                            s.Aws = WizardList.Read(pv);
                        }
                        else if (pk == "Service")
                        {
                            s.Services = WizardList.Read(pv);
                        }
                        else
                        {
                            s.PrincipalExtra[pk] = pv?.DeepClone();
                        }
                    }

                    break;
                case "Action" when WizardList.CanRead(value) && value is not null:
                    s.HasAction = true;
                    s.Actions = WizardList.Read(value);
                    break;
                case "Resource":
                    s.Resource = value?.DeepClone();
                    break;
                case "Condition" when value is JsonObject c:
                    foreach (var (op, block) in c)
                    {
                        if (block is JsonObject keys && keys.All(k => k.Value is not null && WizardList.CanRead(k.Value)))
                        {
                            s.Conditions.AddRange(keys.Select(k => new WizardCondition { Operator = op, Key = k.Key, Values = WizardList.Read(k.Value) }));
                        }
                        else
                        {
                            s.ConditionExtra[op] = block?.DeepClone();
                        }
                    }

                    break;
                default:
                    s.Extra[key] = value?.DeepClone();
                    break;
            }
        }

        return s;
    }

    public JsonObject ToJsonObject()
    {
        var obj = new JsonObject();
        if (HasSid)
        {
            obj[nameof(Sid)] = Sid ?? "";
        }

        obj[nameof(Effect)] = Effect;
        if (HasPrincipal && !Extra.ContainsKey("Principal"))
        {
            if (Everyone)
            {
                obj["Principal"] = "*";
            }
            else
            {
                var p = new JsonObject();
                if (Aws.Items.Count > 0)
                {
                    p["AWS"] = Aws.ToNode();
                }

                if (Services.Items.Count > 0)
                {
                    p["Service"] = Services.ToNode();
                }

                foreach (var (k, v) in PrincipalExtra)
                {
                    p[k] = v?.DeepClone();
                }

                obj["Principal"] = p;
            }
        }

        if (HasAction && !Extra.ContainsKey("Action"))
        {
            obj["Action"] = Actions.ToNode();
        }

        if (Resource is not null)
        {
            obj[nameof(Resource)] = Resource.DeepClone();
        }

        if (Conditions.Count > 0 || ConditionExtra.Count > 0)
        {
            // A JSON object holds one value list per operator and key: never let a later card overwrite an earlier one.
            if (Problems() is [var problem, ..])
            {
                throw new InvalidOperationException(problem);
            }

            var c = new JsonObject();
            var groups = Conditions.Where(x => !string.IsNullOrEmpty(x.Operator) && !string.IsNullOrEmpty(x.Key))
                .GroupBy(x => x.Operator, StringComparer.Ordinal).ToList();
            foreach (var group in groups.Where(g => !ConditionExtra.ContainsKey(g.Key)))
            {
                var keys = new JsonObject();
                foreach (var cond in group)
                {
                    keys[cond.Key] = cond.Values.ToNode();
                }

                c[group.Key] = keys;
            }

            foreach (var (k, v) in ConditionExtra)
            {
                var kept = v?.DeepClone();
                if (kept is JsonObject block && groups.FirstOrDefault(g => g.Key == k) is { } added)
                {
                    // New cards under an operator kept as written join its block (keys under one operator are AND-ed).
                    foreach (var cond in added)
                    {
                        block[cond.Key] = cond.Values.ToNode();
                    }
                }

                c[k] = kept;
            }

            obj["Condition"] = c;
        }

        foreach (var (k, v) in Extra)
        {
            obj[k] = v?.DeepClone();
        }

        return obj;
    }

    /// <summary>
    /// Why <paramref name="condition"/> cannot be written as it is, or null: an earlier card of this statement has the
    /// same operator and key (IAM holds one value list per operator and key and ORs its values, so two cards, which must
    /// both hold, cannot be written without changing their meaning), or it collides with a part kept as written.
    /// </summary>
    public string? ProblemOf(WizardCondition condition)
    {
        if (string.IsNullOrEmpty(condition.Operator) || string.IsNullOrEmpty(condition.Key))
        {
            return null;
        }

        if (Extra.ContainsKey("Condition"))
        {
            return "this statement's Condition is kept as written (it is not an object), so conditions cannot be added here; edit it in JSON mode.";
        }

        if (ConditionExtra.TryGetPropertyValue(condition.Operator, out var kept) && (kept is not JsonObject block || block.ContainsKey(condition.Key)))
        {
            return $"{condition.Operator} on {condition.Key} is already in the part kept as written; change it in JSON mode.";
        }

        return FirstWithSameKey(condition) is { } first && !ReferenceEquals(first, condition)
            ? $"another condition already uses {condition.Operator} on {condition.Key}. A policy holds one list of values per operator and key, " +
              "and any one value of that list is enough, so these two conditions (which must both hold) cannot be written as they are. " +
              "Remove one, change its key or operator, or combine their values into one list " +
              (condition.IsNegated ? "(the value must then match none of them)." : "(one matching value is then enough).")
            : null;
    }

    /// <summary>Every condition's <see cref="ProblemOf"/>; empty when the statement can be written.</summary>
    public IReadOnlyList<string> Problems() => [.. Conditions.Select(ProblemOf).OfType<string>()];

    /// <summary>Whether <paramref name="condition"/> duplicates an earlier card, which <see cref="Combine"/> can merge into.</summary>
    public bool IsDuplicate(WizardCondition condition) =>
        !string.IsNullOrEmpty(condition.Key) && FirstWithSameKey(condition) is { } first && !ReferenceEquals(first, condition);

    /// <summary>
    /// What the user chooses for a duplicate: its values join the earlier card's list (so any of them may match) and the
    /// duplicate goes. Never done implicitly: it changes "both must hold" into "either may match".
    /// </summary>
    public void Combine(WizardCondition duplicate)
    {
        if (!IsDuplicate(duplicate))
        {
            return;
        }

        var first = FirstWithSameKey(duplicate)!;
        foreach (var value in duplicate.Values.Items.Where(v => !first.Values.Items.Contains(v, StringComparer.Ordinal)))
        {
            first.Values.Items.Add(value);
        }

        first.Values.IsArray = first.Values.IsArray || first.Values.Items.Count > 1;
        Conditions.Remove(duplicate);
    }

    private WizardCondition? FirstWithSameKey(WizardCondition condition) =>
        Conditions.FirstOrDefault(c => string.Equals(c.Operator, condition.Operator, StringComparison.Ordinal) && string.Equals(c.Key, condition.Key, StringComparison.Ordinal));

    /// <summary>What the wizard shows read-only: elements it cannot represent.</summary>
    public string? UnsupportedJson()
    {
        var o = new JsonObject();
        foreach (var (k, v) in Extra)
        {
            o[k] = v?.DeepClone();
        }

        if (PrincipalExtra.Count > 0)
        {
            o["Principal (other members)"] = PrincipalExtra.DeepClone();
        }

        if (ConditionExtra.Count > 0)
        {
            o["Condition (other operators)"] = ConditionExtra.DeepClone();
        }

        return o.Count == 0 ? null : o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}

/// <summary>A string-or-array value, remembering which it was.</summary>
public sealed class WizardList
{
    public List<string> Items { get; set; } = [];

    public bool IsArray { get; set; }

    public static bool CanRead(JsonNode? node) =>
        node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) ||
        (node is JsonArray a && a.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String));

    public static WizardList Read(JsonNode? node) => node switch
    {
        JsonArray a => new WizardList { IsArray = true, Items = [.. a.Select(x => x!.GetValue<string>())] },
        JsonValue v => new WizardList { IsArray = false, Items = [v.GetValue<string>()] },
        _ => new WizardList(),
    };

    public JsonNode ToNode() => !IsArray && Items.Count == 1 ? JsonValue.Create(Items[0]) : new JsonArray([.. Items.Select(i => (JsonNode)JsonValue.Create(i))]);
}

/// <summary>One condition: operator, key, values (OR-ed).</summary>
public sealed class WizardCondition
{
    public string Operator { get; set; } = "StringLike";

    public string Key { get; set; } = "ses:FromAddress";

    public WizardList Values { get; set; } = new();

    public ConditionValueType Type => PolicyCatalog.TryGetConditionKey(Key, out var k) ? PolicyCatalog.TypeOf(k) : ConditionValueType.Text;

    /// <summary>The operator without ForAllValues:/ForAnyValue:.</summary>
    public string BaseOperator => Operator.Contains(':', StringComparison.Ordinal) ? Operator[(Operator.IndexOf(':', StringComparison.Ordinal) + 1)..] : Operator;

    /// <summary>Whether the operator is a negated one (StringNotLike, NotIpAddress…): its values must all fail to match.</summary>
    public bool IsNegated => BaseOperator.Contains("Not", StringComparison.Ordinal);

    /// <summary>"ForAllValues", "ForAnyValue" or "".</summary>
    public string SetQualifier => Operator.Contains(':', StringComparison.Ordinal) ? Operator[..Operator.IndexOf(':', StringComparison.Ordinal)] : "";

    /// <summary>Operators offered for this key's type.</summary>
    public IReadOnlyList<string> Operators => Type switch
    {
        ConditionValueType.Date => ["DateGreaterThan", "DateGreaterThanEquals", "DateLessThan", "DateLessThanEquals", "DateEquals", "DateNotEquals"],
        ConditionValueType.IpAddress => ["IpAddress", "NotIpAddress"],
        ConditionValueType.Boolean => ["Bool"],
        ConditionValueType.Arn => ["ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals", "StringEquals", "StringLike"],
        _ => ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"],
    };
}

/// <summary>
/// The card's time window: a lower bound (DateGreaterThan[Equals]) and an upper bound (DateLessThan[Equals]) on
/// aws:CurrentTime, edited as UTC date-times and written as ISO 8601 (<c>2026-12-01T00:00:00Z</c>). Only a bound with
/// one value already in that exact form (or none yet) is shown in the range editor, so opening a policy never rewrites
/// a value; other date conditions (epoch seconds, offsets, IfExists, several values) stay free text.
/// </summary>
public static class WizardTimeWindow
{
    public const string Key = "aws:CurrentTime";

    private const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    private static readonly string[] InputFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    public static readonly IReadOnlyList<string> StartOperators = ["DateGreaterThan", "DateGreaterThanEquals"];

    public static readonly IReadOnlyList<string> EndOperators = ["DateLessThan", "DateLessThanEquals"];

    /// <summary>The statement's first lower and upper bound the range editor can show (either may be null).</summary>
    public static (WizardCondition? Start, WizardCondition? End) Of(WizardStatement statement) =>
        (statement.Conditions.FirstOrDefault(c => IsBound(c, StartOperators)), statement.Conditions.FirstOrDefault(c => IsBound(c, EndOperators)));

    /// <summary>Whether "Time window" can add a bound: the statement lacks a lower or an upper bound on aws:CurrentTime.</summary>
    public static bool CanAdd(WizardStatement statement) =>
        !statement.Conditions.Any(c => c.Key == Key && c.Operator.StartsWith("DateGreaterThan", StringComparison.Ordinal)) ||
        !statement.Conditions.Any(c => c.Key == Key && c.Operator.StartsWith("DateLessThan", StringComparison.Ordinal));

    /// <summary>Adds the missing bounds (from <paramref name="start"/> for 30 days), never a second one of a kind.</summary>
    public static void Add(WizardStatement statement, DateTimeOffset start)
    {
        if (!statement.Conditions.Any(c => c.Key == Key && c.Operator.StartsWith("DateGreaterThan", StringComparison.Ordinal)))
        {
            statement.Conditions.Add(new WizardCondition { Key = Key, Operator = "DateGreaterThan", Values = new() { Items = [Format(start)] } });
        }

        if (!statement.Conditions.Any(c => c.Key == Key && c.Operator.StartsWith("DateLessThan", StringComparison.Ordinal)))
        {
            statement.Conditions.Add(new WizardCondition { Key = Key, Operator = "DateLessThan", Values = new() { Items = [Format(start.AddDays(30))] } });
        }
    }

    /// <summary>The bound's value for a <c>datetime-local</c> input (UTC wall clock), or null when it has none.</summary>
    public static string? ToInput(WizardCondition bound) =>
        bound.Values.Items.Count == 1 && TryParseIso(bound.Values.Items[0], out var at)
            ? at.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            : null;

    /// <summary>Sets the bound from a <c>datetime-local</c> value, read as UTC; empty clears it.</summary>
    public static void SetFromInput(WizardCondition bound, string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            bound.Values.Items = [];
            return;
        }

        bound.Values.Items = [DateTime.TryParseExact(input.Trim(), InputFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? Format(new DateTimeOffset(at, TimeSpan.Zero))
            : input.Trim()];
    }

    /// <summary>An error for the range as a whole (it ends before it starts), or null.</summary>
    public static string? RangeError(WizardCondition? start, WizardCondition? end) =>
        start is not null && end is not null && start.Values.Items.Count == 1 && end.Values.Items.Count == 1 &&
        TryParseIso(start.Values.Items[0], out var from) && TryParseIso(end.Values.Items[0], out var until) && until <= from
            ? "The window ends before it starts: no send could ever match."
            : null;

    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString(IsoFormat, CultureInfo.InvariantCulture);

    private static bool IsBound(WizardCondition c, IReadOnlyList<string> operators) =>
        c.Key == Key && operators.Contains(c.Operator) &&
        (c.Values.Items.Count == 0 || (c.Values.Items.Count == 1 && TryParseIso(c.Values.Items[0], out _)));

    private static bool TryParseIso(string value, out DateTime at) =>
        DateTime.TryParseExact(value, IsoFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
}

/// <summary>IAM StringLike: <c>*</c> any run (also empty), <c>?</c> one character, everything else literal and case-sensitive.</summary>
public static class StringLike
{
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
