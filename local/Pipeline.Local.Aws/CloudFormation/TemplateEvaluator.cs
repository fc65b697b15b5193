namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// Resolves CloudFormation intrinsic functions to local values. Every error names the property
/// path (for example <c>Resources.Build.Properties.Environment.Variables.BUCKET</c>) so a template
/// author can find the line.
/// </summary>
internal sealed partial class TemplateEvaluator
{
    private static readonly Dictionary<string, string> NameProperties = new(StringComparer.Ordinal)
    {
        ["AWS::Serverless::Function"] = "FunctionName",
        ["AWS::Lambda::Function"] = "FunctionName",
        ["AWS::Serverless::StateMachine"] = "Name",
        ["AWS::StepFunctions::StateMachine"] = "StateMachineName",
        ["AWS::S3::Bucket"] = "BucketName",
        ["AWS::DynamoDB::Table"] = "TableName",
        ["AWS::Serverless::SimpleTable"] = "TableName",
        ["AWS::Events::Rule"] = "Name",
        ["AWS::IAM::Role"] = "RoleName",
        ["AWS::SQS::Queue"] = "QueueName",
        ["AWS::SNS::Topic"] = "TopicName",
        ["AWS::CodeCommit::Repository"] = "RepositoryName",
        ["AWS::CodeBuild::Project"] = "Name",
    };

    // A value that removes its property or list item, as AWS::NoValue does.
    private static readonly JsonValue NoValue = JsonValue.Create("\u0000AWS::NoValue");

    private readonly JsonObject _root;
    private readonly StackContext _stack;
    private readonly ILocalResourceValues _values;
    private readonly Dictionary<string, JsonNode> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _conditions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResourceIdentity> _identities = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);

    // Parameters with neither Default nor override: fine until something the local stack reads refers to them.
    private readonly HashSet<string> _unset = new(StringComparer.Ordinal);

    public TemplateEvaluator(
        JsonObject root, StackContext stack, ILocalResourceValues values, IReadOnlyDictionary<string, string> overrides,
        IReadOnlyDictionary<string, string>? localValues = null)
    {
        _root = root;
        _stack = stack;
        _values = values;
        CloudFormationRules.CheckDeclarations(root);
        LoadParameters(overrides, localValues ?? new Dictionary<string, string>());
    }

    public IReadOnlyDictionary<string, JsonNode> Parameters => _parameters;

    public JsonObject Resources => _root[nameof(Resources)] as JsonObject
        ?? throw new TemplateInvalidException("Resources: the template declares no resources");

    public JsonObject Section(string name) => _root[name] as JsonObject ?? [];

    public bool ResourceExists(string logicalId) =>
        Resources[logicalId] is JsonObject resource
        && (resource["Condition"] is not JsonValue condition
            || IsConditionTrue(condition.GetValue<string>(), $"Resources.{logicalId}.Condition"));

    public JsonNode? Resolve(JsonNode? node, string path)
    {
        var resolved = Evaluate(node, path);
        return ReferenceEquals(resolved, NoValue) ? null : resolved;
    }

    public string ResolveString(JsonNode? node, string path)
    {
        var resolved = Resolve(node, path);
        return resolved is JsonValue value ? ScalarText(value, path)
            : throw new TemplateInvalidException($"{path}: expected a string, got {Kind(resolved)}");
    }

    public ResourceIdentity Identity(string logicalId, string path)
    {
        if (_identities.TryGetValue(logicalId, out var known))
        {
            return known;
        }

        if (Resources[logicalId] is not JsonObject resource)
        {
            return FunctionUrl(logicalId) is { } function
                ? _identities[logicalId] = new ResourceIdentity(logicalId, FunctionUrlType, Identity(function, path).PhysicalName)
                : throw new TemplateInvalidException($"{path}: refers to resource '{logicalId}', which the template does not declare");
        }

        if (!ResourceExists(logicalId))
        {
            throw new TemplateInvalidException(
                $"{path}: refers to resource '{logicalId}', whose condition is false so it is not created");
        }

        var type = resource["Type"]?.GetValue<string>()
            ?? throw new TemplateInvalidException($"Resources.{logicalId}.Type: missing");
        if (!_resolving.Add(logicalId))
        {
            throw new TemplateInvalidException($"{path}: the name of resource '{logicalId}' refers to itself");
        }

        try
        {
            var name = NameProperties.TryGetValue(type, out var property)
                && resource["Properties"]?[property] is { } explicitName
                ? ResolveString(explicitName, $"Resources.{logicalId}.Properties.{property}")
                : _values.DefaultPhysicalName(logicalId, type);
            return _identities[logicalId] = new ResourceIdentity(logicalId, type, name);
        }
        finally
        {
            _resolving.Remove(logicalId);
        }
    }

    public const string FunctionUrlType = "AWS::Lambda::Url";

    /// <summary>
    /// SAM turns a function's <c>FunctionUrlConfig</c> into a resource named <c>&lt;LogicalId&gt;Url</c>, which
    /// templates refer to (<c>!GetAtt XUrl.FunctionUrl</c>): the function's id when <paramref name="logicalId"/> is one.
    /// </summary>
    private string? FunctionUrl(string logicalId) =>
        logicalId.EndsWith("Url", StringComparison.Ordinal) && logicalId[..^3] is var function
        && Resources[function] is JsonObject owner && owner["Type"]?.GetValue<string>() == "AWS::Serverless::Function"
        && owner["Properties"]?["FunctionUrlConfig"] is JsonObject && ResourceExists(function)
            ? function : null;

    public bool IsConditionTrue(string name, string path)
    {
        if (_conditions.TryGetValue(name, out var known))
        {
            return known;
        }

        var conditions = Section("Conditions");
        if (!conditions.ContainsKey(name))
        {
            throw new TemplateInvalidException($"{path}: refers to condition '{name}', which the template does not declare");
        }

        if (!_resolving.Add("Condition:" + name))
        {
            throw new TemplateInvalidException($"Conditions.{name}: the condition refers to itself");
        }

        try
        {
            return _conditions[name] = EvaluateCondition(conditions[name], $"Conditions.{name}");
        }
        finally
        {
            _resolving.Remove("Condition:" + name);
        }
    }

    private void LoadParameters(IReadOnlyDictionary<string, string> overrides, IReadOnlyDictionary<string, string> localValues)
    {
        var declared = Section("Parameters");
        foreach (var key in overrides.Keys.Where(k => !declared.ContainsKey(k)))
        {
            throw new TemplateInvalidException($"Parameters.{key}: overridden but the template does not declare it");
        }

        foreach (var (name, definition) in declared)
        {
            var path = $"Parameters.{name}";
            string text;
            if (overrides.TryGetValue(name, out var given) || localValues.TryGetValue(name, out given))
            {
                text = given;
            }
            else if (definition?["Default"] is JsonValue fallback)
            {
                text = ScalarText(fallback, path + ".Default");
            }
            else
            {
                _unset.Add(name);
                continue;
            }

            if (definition?["AllowedValues"] is JsonArray allowed
                && !allowed.Any(a => a is JsonValue v && ScalarText(v, path) == text))
            {
                throw new TemplateInvalidException(
                    $"{path}: '{text}' is not one of the AllowedValues [{string.Join(", ", allowed)}]");
            }

            if (CloudFormationRules.ConstraintViolation(name, definition, text) is { } violation)
            {
                throw new TemplateInvalidException($"{path}: {violation}");
            }

            var type = definition?["Type"]?.GetValue<string>() ?? "String";
            _parameters[name] = type.StartsWith("List<", StringComparison.Ordinal) || type == "CommaDelimitedList"
                ? new JsonArray([.. text.Split(',').Select(p => (JsonNode)JsonValue.Create(p.Trim()))])
                : JsonValue.Create(text);
        }
    }

    private JsonNode? Evaluate(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count == 1 && IsIntrinsic(obj.First().Key):
                var (name, argument) = obj.First();
                return EvaluateIntrinsic(name, argument, $"{path}");
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    var resolved = Evaluate(value, TemplateYaml.Join(path, key));
                    if (!ReferenceEquals(resolved, NoValue))
                    {
                        result[key] = resolved;
                    }
                }

                return result;
            case JsonArray array:
                var list = new JsonArray();
                for (var i = 0; i < array.Count; i++)
                {
                    var resolved = Evaluate(array[i], $"{path}[{i}]");
                    if (!ReferenceEquals(resolved, NoValue))
                    {
                        list.Add(resolved);
                    }
                }

                return list;
            default:
                return node?.DeepClone();
        }
    }

    private static bool IsIntrinsic(string key) => key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal);

    private JsonNode? EvaluateIntrinsic(string name, JsonNode? argument, string path) => name switch
    {
        "Ref" => EvaluateRef(ArgumentText(argument, name, path), path),
        "Fn::GetAtt" => EvaluateGetAtt(argument, path),
        "Fn::Sub" => JsonValue.Create(EvaluateSub(argument, path)),
        "Fn::Join" => EvaluateJoin(argument, path),
        "Fn::If" => EvaluateIf(argument, path),
        "Fn::Select" => EvaluateSelect(argument, path),
        "Fn::Split" => EvaluateSplit(argument, path),
        "Fn::FindInMap" => EvaluateFindInMap(argument, path),
        "Fn::Base64" => JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(ResolveString(argument, path)))),
        "Fn::Equals" or "Fn::Not" or "Fn::And" or "Fn::Or" =>
            JsonValue.Create(EvaluateCondition(new JsonObject { [name] = argument?.DeepClone() }, path)),
        _ => throw new TemplateInvalidException($"{path}: {name} is not supported by the local stack"),
    };

    private JsonNode? EvaluateRef(string target, string path)
    {
        switch (target)
        {
            case "AWS::NoValue": return NoValue;
            case "AWS::Region": return JsonValue.Create(_stack.Region);
            case "AWS::AccountId": return JsonValue.Create(_stack.AccountId);
            case "AWS::StackName": return JsonValue.Create(_stack.StackName);
            case "AWS::Partition": return JsonValue.Create(_stack.Partition);
            case "AWS::URLSuffix": return JsonValue.Create(StackContext.UrlSuffix);
            case "AWS::StackId":
                return JsonValue.Create(
                    $"arn:{_stack.Partition}:cloudformation:{_stack.Region}:{_stack.AccountId}:stack/{_stack.StackName}/local");
            case "AWS::NotificationARNs": return new JsonArray();
        }

        if (_unset.Contains(target))
        {
            throw new TemplateInvalidException(
                $"{path}: !Ref {target}: Parameters.{target} has no Default and no override was given");
        }

        if (_parameters.TryGetValue(target, out var parameter))
        {
            return parameter.DeepClone();
        }

        if (target.StartsWith("AWS::", StringComparison.Ordinal))
        {
            throw new TemplateInvalidException($"{path}: the pseudo parameter {target} is not supported by the local stack");
        }

        if (Resources[target] is null)
        {
            throw new TemplateInvalidException(
                $"{path}: !Ref {target} names neither a parameter nor a resource the template declares");
        }

        var identity = Identity(target, path);
        return JsonValue.Create(_values.Ref(identity)
            ?? throw new TemplateInvalidException($"{path}: !Ref of {identity.Type} '{target}' has no local value"));
    }

    private JsonValue EvaluateGetAtt(JsonNode? argument, string path)
    {
        var parts = argument switch
        {
            JsonArray { Count: 2 } a => [ResolveString(a[0], path), ResolveString(a[1], path)],
            JsonValue v when v.GetValue<string>().Split('.', 2) is [var id, var attr] => new[] { id, attr },
            _ => throw new TemplateInvalidException($"{path}: Fn::GetAtt needs [LogicalId, Attribute]"),
        };
        return JsonValue.Create(GetAtt(parts[0], parts[1], path));
    }

    private string GetAtt(string logicalId, string attribute, string path)
    {
        var identity = Identity(logicalId, path);
        return _values.GetAtt(identity, attribute) ?? throw new TemplateInvalidException(
            $"{path}: !GetAtt {logicalId}.{attribute}: {identity.Type} has no attribute '{attribute}' locally");
    }

    private string EvaluateSub(JsonNode? argument, string path)
    {
        var (template, variables) = argument switch
        {
            JsonValue v => (ScalarText(v, path), new JsonObject()),
            JsonArray { Count: 2 } a when a[0] is JsonValue t && a[1] is JsonObject vars => (ScalarText(t, path), vars),
            _ => throw new TemplateInvalidException($"{path}: Fn::Sub needs a string or [string, {{variables}}]"),
        };
        return SubVariable().Replace(template, match =>
        {
            var name = match.Groups["name"].Value;
            if (name.StartsWith('!'))
            {
                return "${" + name[1..] + "}";
            }

            if (variables.ContainsKey(name))
            {
                return ResolveString(variables[name], $"{path}.{name}");
            }

            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && !name.StartsWith("AWS::", StringComparison.Ordinal))
            {
                return GetAtt(name[..dot], name[(dot + 1)..], $"{path} (${{{name}}})");
            }

            return EvaluateRef(name, $"{path} (${{{name}}})") is JsonValue value
                ? ScalarText(value, path)
                : throw new TemplateInvalidException($"{path}: ${{{name}}} is a list and cannot be substituted into a string");
        });
    }

    private JsonValue EvaluateJoin(JsonNode? argument, string path)
    {
        if (argument is not JsonArray { Count: 2 } a)
        {
            throw new TemplateInvalidException($"{path}: Fn::Join needs [delimiter, [values]]");
        }

        var delimiter = ResolveString(a[0], path);
        var items = Resolve(a[1], path) as JsonArray
            ?? throw new TemplateInvalidException($"{path}: the second argument of Fn::Join must be a list");
        return JsonValue.Create(string.Join(delimiter, items.Select((item, i) => item is JsonValue value
            ? ScalarText(value, $"{path}[{i}]")
            : throw new TemplateInvalidException($"{path}: Fn::Join item {i} is not a string"))));
    }

    private JsonNode? EvaluateIf(JsonNode? argument, string path)
    {
        if (argument is not JsonArray { Count: 3 } a)
        {
            throw new TemplateInvalidException($"{path}: Fn::If needs [condition, value if true, value if false]");
        }

        var condition = ArgumentText(a[0], "Fn::If", path);
        return Evaluate(IsConditionTrue(condition, path) ? a[1] : a[2], path);
    }

    private JsonNode? EvaluateSelect(JsonNode? argument, string path)
    {
        if (argument is not JsonArray { Count: 2 } a)
        {
            throw new TemplateInvalidException($"{path}: Fn::Select needs [index, list]");
        }

        var indexText = ResolveString(a[0], path);
        var list = Resolve(a[1], path) as JsonArray
            ?? throw new TemplateInvalidException($"{path}: the second argument of Fn::Select must be a list");
        if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= list.Count)
        {
            throw new TemplateInvalidException($"{path}: Fn::Select index {indexText} is out of range for {list.Count} items");
        }

        return list[index]?.DeepClone();
    }

    private JsonArray EvaluateSplit(JsonNode? argument, string path)
    {
        if (argument is not JsonArray { Count: 2 } a)
        {
            throw new TemplateInvalidException($"{path}: Fn::Split needs [delimiter, string]");
        }

        var delimiter = ResolveString(a[0], path);
        var text = ResolveString(a[1], path);
        return [.. text.Split(delimiter).Select(p => (JsonNode)JsonValue.Create(p))];
    }

    private JsonNode? EvaluateFindInMap(JsonNode? argument, string path)
    {
        if (argument is not JsonArray { Count: 3 } a)
        {
            throw new TemplateInvalidException($"{path}: Fn::FindInMap needs [MapName, TopLevelKey, SecondLevelKey]");
        }

        var map = ResolveString(a[0], path);
        var top = ResolveString(a[1], path);
        var second = ResolveString(a[2], path);
        var value = Section("Mappings")[map] is not JsonObject mapping
            ? throw new TemplateInvalidException($"{path}: Fn::FindInMap refers to mapping '{map}', which the template does not declare")
            : mapping[top] is not JsonObject level
                ? throw new TemplateInvalidException($"{path}: mapping '{map}' has no key '{top}'")
                : level.ContainsKey(second)
                    ? level[second]
                    : throw new TemplateInvalidException($"{path}: mapping '{map}.{top}' has no key '{second}'");
        return value?.DeepClone();
    }

    private bool EvaluateCondition(JsonNode? node, string path)
    {
        if (node is JsonValue literal && literal.TryGetValue<bool>(out var constant))
        {
            return constant;
        }

        if (node is not JsonObject { Count: 1 } obj)
        {
            throw new TemplateInvalidException($"{path}: a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition");
        }

        var (name, argument) = obj.First();
        var items = argument as JsonArray;
        return name switch
        {
            "Condition" => IsConditionTrue(ArgumentText(argument, name, path), path),
            "Fn::Equals" when items is { Count: 2 } => Comparable(items[0], path) == Comparable(items[1], path),
            "Fn::Not" when items is { Count: 1 } => !EvaluateCondition(items[0], path),
            "Fn::And" when items is { Count: >= 2 and <= 10 } => items.All(c => EvaluateCondition(c, path)),
            "Fn::Or" when items is { Count: >= 2 and <= 10 } => items.Any(c => EvaluateCondition(c, path)),
            "Fn::Equals" or "Fn::Not" or "Fn::And" or "Fn::Or" =>
                throw new TemplateInvalidException($"{path}: {name} has the wrong number of arguments"),
            _ when IsIntrinsic(name) && Resolve(node, path) is JsonValue v && v.TryGetValue<bool>(out var b) => b,
            _ => throw new TemplateInvalidException($"{path}: {name} is not a condition function"),
        };
    }

    private string Comparable(JsonNode? node, string path) => Resolve(node, path) switch
    {
        JsonValue v => ScalarText(v, path),
        null => "",
        var other => other.ToJsonString(),
    };

    private static string ArgumentText(JsonNode? argument, string function, string path) =>
        argument is JsonValue v && v.TryGetValue<string>(out var text)
            ? text
            : throw new TemplateInvalidException($"{path}: {function} needs a name");

    internal static string ScalarText(JsonValue value, string path) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => throw new TemplateInvalidException($"{path}: expected a string, got {value.GetValueKind()}"),
    };

    private static string Kind(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonObject => "an object",
        JsonArray => "a list",
        _ => node.GetValueKind().ToString(),
    };

    [GeneratedRegex(@"\$\{(?<name>[^}]+)\}")]
    private static partial Regex SubVariable();
}
