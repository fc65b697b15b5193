namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// What CloudFormation refuses before it creates anything, checked the same way locally so
/// <c>./pipeline up</c> never runs a template AWS would reject: unknown parameter types, values
/// outside a parameter's constraints, unknown resource types, and references to nothing. The
/// messages are CloudFormation's own.
/// </summary>
public static partial class CloudFormationRules
{
    private static readonly HashSet<string> ParameterTypes = new(StringComparer.Ordinal)
    {
        "String", "Number", "List<Number>", "CommaDelimitedList",
        "AWS::EC2::AvailabilityZone::Name", "AWS::EC2::Image::Id", "AWS::EC2::Instance::Id", "AWS::EC2::KeyPair::KeyName",
        "AWS::EC2::SecurityGroup::GroupName", "AWS::EC2::SecurityGroup::Id", "AWS::EC2::Subnet::Id", "AWS::EC2::VPC::Id",
        "AWS::EC2::Volume::Id", "AWS::Route53::HostedZone::Id", "AWS::SSM::Parameter::Name",
    };

    private static readonly string[] ListableTypes =
    [
        "AWS::EC2::AvailabilityZone::Name", "AWS::EC2::Image::Id", "AWS::EC2::Instance::Id", "AWS::EC2::SecurityGroup::GroupName",
        "AWS::EC2::SecurityGroup::Id", "AWS::EC2::Subnet::Id", "AWS::EC2::VPC::Id", "AWS::EC2::Volume::Id",
        "AWS::Route53::HostedZone::Id",
    ];

    private static readonly HashSet<string> PseudoParameters = new(StringComparer.Ordinal)
    {
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId",
        "AWS::StackName", "AWS::URLSuffix",
    };

    private static readonly Lazy<HashSet<string>> ResourceTypes = new(LoadResourceTypes);

    /// <summary>A type CloudFormation accepts for a parameter, SSM-backed ones included.</summary>
    public static bool IsParameterType(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        const string ssm = "AWS::SSM::Parameter::Value<";
        if (type.StartsWith(ssm, StringComparison.Ordinal) && type.EndsWith('>'))
        {
            var inner = type[ssm.Length..^1];
            return inner is "String" or "List<String>" or "CommaDelimitedList" or "Number" or "List<Number>" || IsParameterType(inner);
        }

        return ParameterTypes.Contains(type)
            || ListableTypes.Any(t => type == $"List<{t}>");
    }

    public static bool IsResourceType(string type) =>
        ResourceTypes.Value.Contains(type) || type.StartsWith("Custom::", StringComparison.Ordinal);

    /// <summary>Checks every parameter declaration and every resource type; throws CloudFormation's message for the first problem.</summary>
    public static void CheckDeclarations(JsonObject root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var (name, definition) in root["Parameters"] as JsonObject ?? [])
        {
            var type = definition?["Type"]?.GetValue<string>()
                ?? throw new TemplateInvalidException($"Template format error: Every Parameters object must contain a Type member. (Parameters.{name})");
            if (!IsParameterType(type))
            {
                throw new TemplateInvalidException($"Template format error: Unrecognized parameter type: {type} (Parameters.{name})");
            }
        }

        foreach (var (id, node) in root["Resources"] as JsonObject ?? [])
        {
            var type = node?["Type"]?.GetValue<string>();
            if (type is not null && !IsResourceType(type))
            {
                throw new TemplateInvalidException(
                    $"Template format error: Unrecognized resource types: [{type}] (Resources.{id}.Type)");
            }
        }

        var unresolved = UnresolvedReferences(root);
        if (unresolved.Count > 0)
        {
            throw new TemplateInvalidException(
                $"Template format error: Unresolved resource dependencies [{string.Join(", ", unresolved.Keys)}] in the Resources block of the template"
                + $" (first at {string.Join(", ", unresolved.Values)})");
        }
    }

    /// <summary>
    /// CloudFormation's parameter constraints: AllowedPattern matches the whole value,
    /// Min/MaxLength for strings, Min/MaxValue and numeric form for numbers.
    /// </summary>
    public static string? ConstraintViolation(string name, JsonNode? definition, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var type = definition?["Type"]?.GetValue<string>() ?? "String";
        var described = definition?["ConstraintDescription"]?.GetValue<string>();
        string Fail(string reason) => $"Parameter '{name}' {reason}" + (described is null ? "" : $" ({described})");
        if (type == "Number")
        {
            if (!decimal.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                return Fail($"must be a number, got '{value}'");
            }

            if (Number(definition?["MinValue"]) is { } min && number < min)
            {
                return Fail($"must be a number not less than {min}");
            }

            if (Number(definition?["MaxValue"]) is { } max && number > max)
            {
                return Fail($"must be a number not greater than {max}");
            }

            return null;
        }

        if (type != "String")
        {
            return null;
        }

        if (definition?["AllowedPattern"] is JsonValue pattern
            && !Regex.IsMatch(value, $"\\A(?:{pattern.GetValue<string>()})\\z", RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            return Fail($"failed to satisfy constraint: Parameter must match pattern {pattern.GetValue<string>()}");
        }

        if (Number(definition?["MinLength"]) is { } minLength && value.Length < minLength)
        {
            return Fail($"must contain at least {minLength} characters");
        }

        if (Number(definition?["MaxLength"]) is { } maxLength && value.Length > maxLength)
        {
            return Fail($"must contain at most {maxLength} characters");
        }

        return null;
    }

    private static decimal? Number(JsonNode? node) => node is JsonValue v
        && decimal.TryParse(v.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : null;

    /// <summary>Names a Ref, GetAtt or Sub refers to that are neither parameters, pseudo parameters nor resources.</summary>
    private static SortedDictionary<string, string> UnresolvedReferences(JsonObject root)
    {
        var parameters = (root["Parameters"] as JsonObject ?? []).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var resources = (root["Resources"] as JsonObject ?? []).Select(r => r.Key).ToList();
        var serverless = (root["Resources"] as JsonObject ?? [])
            .Where(r => r.Value?["Type"]?.GetValue<string>() is { } t && t.StartsWith("AWS::Serverless::", StringComparison.Ordinal))
            .Select(r => r.Key).ToList();
        var known = resources.ToHashSet(StringComparer.Ordinal);
        var missing = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Check(string target, string path)
        {
            if (parameters.Contains(target) || PseudoParameters.Contains(target) || known.Contains(target)
                // Resources the SAM transform generates (XRole, XVersion, ...) are named after their owner.
                || serverless.Any(s => target.StartsWith(s, StringComparison.Ordinal)))
            {
                return;
            }

            missing.TryAdd(target, path);
        }

        foreach (var section in new[] { "Resources", "Outputs", "Globals" })
        {
            Walk(root[section], section, Check);
        }

        return missing;
    }

    private static void Walk(JsonNode? node, string path, Action<string, string> check)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count == 1 && obj.First().Key == "Ref" && obj.First().Value is JsonValue target:
                check(target.GetValue<string>(), path);
                return;
            case JsonObject obj when obj.Count == 1 && obj.First().Key == "Fn::GetAtt":
                var getAtt = obj.First().Value;
                var resource = getAtt is JsonArray { Count: > 0 } parts ? parts[0]?.ToString()
                    : getAtt is JsonValue dotted ? dotted.GetValue<string>().Split('.')[0] : null;
                if (resource is not null)
                {
                    check(resource, path);
                }

                return;
            case JsonObject obj when obj.Count == 1 && obj.First().Key == "Fn::Sub":
                var sub = obj.First().Value;
                var text = sub is JsonArray { Count: > 0 } withVariables ? withVariables[0]?.GetValue<string>() : (sub as JsonValue)?.GetValue<string>();
                var local = sub is JsonArray { Count: > 1 } list && list[1] is JsonObject variables
                    ? variables.Select(v => v.Key).ToHashSet(StringComparer.Ordinal) : [];
                foreach (Match m in SubVariable().Matches(text ?? ""))
                {
                    var name = m.Groups[1].Value.Split('.')[0];
                    if (!local.Contains(name))
                    {
                        check(name, path);
                    }
                }

                if (sub is JsonArray { Count: > 1 } withMap)
                {
                    Walk(withMap[1], path, check);
                }

                return;
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    // Condition names and DependsOn are other namespaces; Metadata is free-form.
                    if (key is not ("Metadata" or "Condition" or "DependsOn"))
                    {
                        Walk(value, TemplateYaml.Join(path, key), check);
                    }
                }

                return;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}[{i}]", check);
                }

                return;
        }
    }

    private static HashSet<string> LoadResourceTypes()
    {
        using var stream = typeof(CloudFormationRules).Assembly.GetManifestResourceStream("resource-types.txt")
            ?? throw new InvalidOperationException("resource-types.txt is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\$\{(?!!)([^}]+)\}")]
    private static partial Regex SubVariable();
}
