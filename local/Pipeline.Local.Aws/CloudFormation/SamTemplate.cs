namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// template.yaml as the local stack sees it: the functions, state machines, rules, schedules,
/// tables and buckets it declares, with every intrinsic the local stack needs resolved. Reading is
/// eager, so a template that cannot run locally fails at start-up with the property path at fault.
/// </summary>
public sealed partial class SamTemplate
{
    private const string FunctionType = "AWS::Serverless::Function";
    private const string StateMachineType = "AWS::Serverless::StateMachine";

    private readonly TemplateEvaluator _evaluator;

    private SamTemplate(JsonObject root, TemplateOptions options, string baseDirectory)
    {
        Stack = options.Stack;
        BaseDirectory = baseDirectory;
        _evaluator = new TemplateEvaluator(
            root, options.Stack, options.Values ?? new LocalAwsResourceValues(options.Stack), options.ParameterOverrides,
            options.LocalParameterValues);
        Parameters = _evaluator.Parameters.ToDictionary(p => p.Key, p => p.Value.ToJsonString().Trim('"'));

        var events = new SamEvents(_evaluator);
        var functionGlobals = _evaluator.Section("Globals")["Function"] as JsonObject;
        var stateMachineGlobals = _evaluator.Section("Globals")["StateMachine"] as JsonObject;
        var functions = new List<FunctionDescription>();
        var stateMachines = new List<StateMachineDescription>();
        var rules = new List<EventRuleDescription>();
        var tables = new List<TableDescription>();
        var buckets = new List<BucketDescription>();
        var buildProjects = new List<BuildProjectDescription>();
        var secrets = new List<SecretDescription>();
        var listeners = new List<ListenerDescription>();
        foreach (var (id, node) in _evaluator.Resources)
        {
            if (node is not JsonObject resource || !_evaluator.ResourceExists(id))
            {
                continue;
            }

            var properties = resource["Properties"] as JsonObject;
            switch (resource["Type"]?.GetValue<string>())
            {
                case FunctionType:
                    var function = ReadFunction(id, GlobalsMerger.Merge(functionGlobals, properties), events)
                        with
                        {
                            BuildMethod = (resource["Metadata"] as JsonObject)?["BuildMethod"]?.GetValue<string>(),
                            FunctionUrlAuthType = properties?["FunctionUrlConfig"]?["AuthType"]?.GetValue<string>(),
                        };
                    functions.Add(function);
                    rules.AddRange(function.Events);
                    break;
                case StateMachineType:
                    var machine = ReadStateMachine(id, GlobalsMerger.Merge(stateMachineGlobals, properties), events);
                    stateMachines.Add(machine);
                    rules.AddRange(machine.Events);
                    break;
                case "AWS::Events::Rule":
                    rules.Add(events.ReadRule(id, properties ?? []));
                    break;
                case "AWS::DynamoDB::Table" or "AWS::Serverless::SimpleTable":
                    var table = _evaluator.Identity(id, $"Resources.{id}");
                    tables.Add(new TableDescription(
                        id,
                        table.PhysicalName,
                        Attribute(id, "Arn"),
                        _evaluator.Resolve(properties, $"Resources.{id}.Properties") as JsonObject ?? []));
                    break;
                case "AWS::CodeBuild::Project":
                    buildProjects.Add(new BuildProjectDescription(id, _evaluator.Identity(id, $"Resources.{id}").PhysicalName, Attribute(id, "Arn")));
                    break;
                case "AWS::S3::Bucket":
                    buckets.Add(new BucketDescription(id, _evaluator.Identity(id, $"Resources.{id}").PhysicalName, Attribute(id, "Arn")));
                    break;
                case "AWS::SecretsManager::Secret":
                    secrets.Add(new SecretDescription(id, _evaluator.Identity(id, $"Resources.{id}").PhysicalName,
                        _evaluator.ResolveString(new JsonObject { ["Ref"] = id }, $"Resources.{id}")));
                    break;
                case "AWS::ElasticLoadBalancingV2::Listener":
                    listeners.Add(new ListenerDescription(id, _evaluator.ResolveString(new JsonObject { ["Ref"] = id }, $"Resources.{id}")));
                    break;
            }
        }

        Functions = functions;
        StateMachines = stateMachines;
        Rules = rules;
        Tables = tables;
        Buckets = buckets;
        BuildProjects = buildProjects;
        Secrets = secrets;
        Listeners = listeners;
        Outputs = _evaluator.Section("Outputs").ToDictionary(
            o => o.Key, o => _evaluator.ResolveString(o.Value?["Value"], $"Outputs.{o.Key}.Value"));
    }

    public StackContext Stack { get; }

    /// <summary>The folder relative paths (CodeUri, DefinitionUri) are taken from.</summary>
    public string BaseDirectory { get; }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    public IReadOnlyList<FunctionDescription> Functions { get; }

    public IReadOnlyList<StateMachineDescription> StateMachines { get; }

    /// <summary>Every rule: declared <c>AWS::Events::Rule</c>s and those SAM generates from Events.</summary>
    public IReadOnlyList<EventRuleDescription> Rules { get; }

    public IReadOnlyList<TableDescription> Tables { get; }

    public IReadOnlyList<BucketDescription> Buckets { get; }

    /// <summary>The CodeBuild projects: the local build runner needs only their names, since every build overrides source and artifacts.</summary>
    public IReadOnlyList<BuildProjectDescription> BuildProjects { get; }

    /// <summary>Secrets Manager secrets; the local stand-in generates each one's value once per state directory.</summary>
    public IReadOnlyList<SecretDescription> Secrets { get; }
    /// <summary>ELBv2 listeners: the local target groups create each, so the state machine's rules have one to go on.</summary>
    public IReadOnlyList<ListenerDescription> Listeners { get; }

    public IReadOnlyDictionary<string, string> Outputs { get; }

    public static SamTemplate Load(string path, TemplateOptions? options = null)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new TemplateInvalidException($"{path}: no such template file");
        }

        return Parse(File.ReadAllText(full), options, full, Path.GetDirectoryName(full)!);
    }

    public static SamTemplate Parse(
        string yaml, TemplateOptions? options = null, string source = "template.yaml", string? baseDirectory = null) =>
        new(TemplateYaml.Parse(yaml, source), options ?? new TemplateOptions(), baseDirectory ?? Directory.GetCurrentDirectory());

    public FunctionDescription Function(string logicalId) =>
        Functions.SingleOrDefault(f => f.LogicalId == logicalId)
        ?? throw new TemplateInvalidException($"Resources.{logicalId}: no such {FunctionType}");

    public StateMachineDescription StateMachine(string logicalId) =>
        StateMachines.SingleOrDefault(s => s.LogicalId == logicalId)
        ?? throw new TemplateInvalidException($"Resources.{logicalId}: no such {StateMachineType}");

    /// <summary>
    /// The definition text with DefinitionSubstitutions applied, as Step Functions receives it. A
    /// placeholder left unsubstituted is an error: it would be a literal "${...}" in an ARN.
    /// </summary>
    public string RenderDefinition(StateMachineDescription machine)
    {
        var path = $"Resources.{machine.LogicalId}.Properties";
        string text;
        if (machine.Definition is not null)
        {
            text = machine.Definition.ToJsonString();
        }
        else
        {
            var file = Path.Combine(BaseDirectory, machine.DefinitionUri
                ?? throw new TemplateInvalidException($"{path}: needs Definition or DefinitionUri"));
            text = File.Exists(file) ? File.ReadAllText(file)
                : throw new TemplateInvalidException($"{path}.DefinitionUri: no such file {file}");
        }

        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var rendered = Placeholder().Replace(text, m =>
        {
            var key = m.Groups["key"].Value;
            if (machine.DefinitionSubstitutions.TryGetValue(key, out var value))
            {
                return value;
            }

            missing.Add(key);
            return m.Value;
        });
        return missing.Count == 0 ? rendered : throw new TemplateInvalidException(
            $"{path}.DefinitionSubstitutions: the definition uses ${{{string.Join("}, ${", missing)}}} but no substitution is declared");
    }

    private FunctionDescription ReadFunction(string id, JsonObject properties, SamEvents events)
    {
        var path = $"Resources.{id}.Properties";
        var identity = _evaluator.Identity(id, $"Resources.{id}");
        var arn = Attribute(id, "Arn");
        var environment = _evaluator.Resolve(properties["Environment"]?["Variables"], $"{path}.Environment.Variables") as JsonObject ?? [];
        return new FunctionDescription(
            id,
            identity.PhysicalName,
            arn,
            Required(properties, "Handler", path),
            Optional(properties, "CodeUri", path),
            Required(properties, "Runtime", path),
            Integer(properties, "Timeout", path, fallback: 3),
            Integer(properties, "MemorySize", path, fallback: 128),
            (_evaluator.Resolve(properties["Architectures"], $"{path}.Architectures") as JsonArray)?
                .Select((a, i) => TemplateEvaluator.ScalarText((JsonValue)a!, $"{path}.Architectures[{i}]")).ToList() ?? ["x86_64"],
            environment.ToDictionary(v => v.Key, v => v.Value is JsonValue s
                ? TemplateEvaluator.ScalarText(s, $"{path}.Environment.Variables.{v.Key}")
                : throw new TemplateInvalidException($"{path}.Environment.Variables.{v.Key}: must be a string")),
            events.ReadOwnerEvents(id, properties["Events"] as JsonObject, arn, "LambdaTarget", path));
    }

    private StateMachineDescription ReadStateMachine(string id, JsonObject properties, SamEvents events)
    {
        var path = $"Resources.{id}.Properties";
        var identity = _evaluator.Identity(id, $"Resources.{id}");
        var arn = Attribute(id, "Arn");
        var substitutions = _evaluator.Resolve(properties["DefinitionSubstitutions"], $"{path}.DefinitionSubstitutions") as JsonObject ?? [];
        if (properties["DefinitionUri"] is JsonObject)
        {
            throw new TemplateInvalidException($"{path}.DefinitionUri: an S3 location is not supported locally; use a path");
        }

        return new StateMachineDescription(
            id,
            identity.PhysicalName,
            arn,
            Optional(properties, "Type", path) ?? "STANDARD",
            Optional(properties, "DefinitionUri", path),
            _evaluator.Resolve(properties["Definition"], $"{path}.Definition") as JsonObject,
            substitutions.ToDictionary(s => s.Key, s => s.Value is JsonValue v
                ? TemplateEvaluator.ScalarText(v, $"{path}.DefinitionSubstitutions.{s.Key}")
                : throw new TemplateInvalidException($"{path}.DefinitionSubstitutions.{s.Key}: must resolve to a string")),
            events.ReadOwnerEvents(id, properties["Events"] as JsonObject, arn, "StepFunctionsTarget", path));
    }

    private string Attribute(string logicalId, string attribute) =>
        _evaluator.ResolveString(
            new JsonObject { ["Fn::GetAtt"] = new JsonArray(logicalId, attribute) }, $"Resources.{logicalId}");

    private string Required(JsonObject properties, string name, string path) =>
        Optional(properties, name, path) ?? throw new TemplateInvalidException($"{path}.{name}: required (here or in Globals)");

    private string? Optional(JsonObject properties, string name, string path) =>
        properties[name] is null ? null : _evaluator.ResolveString(properties[name], $"{path}.{name}");

    private int Integer(JsonObject properties, string name, string path, int fallback)
    {
        var text = Optional(properties, name, path);
        return text is null ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
            : throw new TemplateInvalidException($"{path}.{name}: '{text}' is not a positive whole number");
    }

    [GeneratedRegex(@"\$\{(?<key>[A-Za-z0-9_.:-]+)\}")]
    private static partial Regex Placeholder();
}
