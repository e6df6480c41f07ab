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
            var c = new JsonObject();
            foreach (var group in Conditions.Where(x => !string.IsNullOrEmpty(x.Operator) && !string.IsNullOrEmpty(x.Key)).GroupBy(x => x.Operator))
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
                c[k] = v?.DeepClone();
            }

            obj["Condition"] = c;
        }

        foreach (var (k, v) in Extra)
        {
            obj[k] = v?.DeepClone();
        }

        return obj;
    }

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
