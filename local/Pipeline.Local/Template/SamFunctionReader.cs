using System.Globalization;
using Pipeline.Local.Lambda;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Local.Template;

/// <summary>
/// Just enough of a SAM template reader to find the functions: every AWS::Serverless::Function
/// with its Handler, CodeUri, Timeout, MemorySize and Environment.Variables, merged over
/// Globals.Function. Intrinsics: <c>!Ref</c> to a parameter gives its Default (or an override), to
/// a resource its logical id; <c>!Sub</c> of parameters and pseudo parameters. Anything else is
/// refused by name rather than guessed.
/// </summary>
public static class SamFunctionReader
{
    public const int DefaultTimeoutSeconds = 3;
    public const int DefaultMemoryMb = 128;

    public static IReadOnlyList<FunctionDefinition> Read(
        string templatePath,
        IReadOnlyDictionary<string, string>? parameterOverrides = null,
        LocalLambdaOptions? options = null)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(templatePath))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(templatePath))!;
        var context = new Context(root, LocalParameters.With(parameterOverrides), options ?? new LocalLambdaOptions());
        var globals = Get(Get(root, "Globals"), "Function");
        var resources = Get(root, "Resources") as YamlMappingNode
            ?? throw new InvalidDataException($"{templatePath} has no Resources");

        var functions = new List<FunctionDefinition>();
        foreach (var (key, resource) in resources.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (Scalar(Get(resource, "Type")) != "AWS::Serverless::Function")
            {
                continue;
            }

            var props = Get(resource, "Properties");
            string? Prop(string field) => context.Resolve(Get(props, field) ?? Get(globals, field), $"{name}.{field}");
            var codeUri = Prop("CodeUri") ?? throw new InvalidDataException($"{name}: Properties.CodeUri is required");
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var source in new[] { globals, props })
            {
                if (Get(Get(source, "Environment"), "Variables") is YamlMappingNode variables)
                {
                    foreach (var (k, v) in variables.Children)
                    {
                        var variable = ((YamlScalarNode)k).Value!;
                        environment[variable] = context.Resolve(v, $"{name}.Environment.Variables.{variable}") ?? "";
                    }
                }
            }

            // dotnet10 runs `dotnet exec <Handler>.dll`; a custom runtime (provided.*) runs CodeUri/bootstrap.
            var entry = Prop("Runtime") is { } runtime && runtime.StartsWith("provided", StringComparison.Ordinal)
                ? "bootstrap"
                : (Prop("Handler") ?? throw new InvalidDataException($"{name}: Properties.Handler is required")) + ".dll";
            functions.Add(new FunctionDefinition(
                name,
                Path.Combine(Path.GetFullPath(codeUri, baseDir), entry),
                environment,
                TimeSpan.FromSeconds(Number(Prop("Timeout"), DefaultTimeoutSeconds, $"{name}.Timeout")),
                Number(Prop("MemorySize"), DefaultMemoryMb, $"{name}.MemorySize")));
        }

        return functions;
    }

    private static int Number(string? value, int fallback, string field) =>
        value is null ? fallback
        : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new InvalidDataException($"{field} must be a positive whole number, got '{value}'");

    private static YamlNode? Get(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private sealed class Context(YamlMappingNode root, IReadOnlyDictionary<string, string> overrides, LocalLambdaOptions options)
    {
        public string? Resolve(YamlNode? node, string field)
        {
            return node switch
            {
                null => null,
                YamlScalarNode { Tag.IsEmpty: false } s when s.Tag.Value == "!Ref" => Ref(s.Value!, field),
                YamlScalarNode { Tag.IsEmpty: false } s when s.Tag.Value == "!Sub" => Sub(s.Value!, field),
                YamlScalarNode { Tag.IsEmpty: false } s => throw Unsupported(s.Tag.Value, field),
                YamlScalarNode s => s.Value,
                YamlMappingNode m when m.Children.Count == 1 && Scalar(m.Children.Keys.First()) == "Ref" => Ref(Scalar(m.Children.Values.First())!, field),
                _ => throw Unsupported(node.Tag.IsEmpty ? node.NodeType.ToString() : node.Tag.Value, field),
            };
        }

        private string Ref(string name, string field)
        {
            switch (name)
            {
                case "AWS::Region": return options.Region;
                case "AWS::AccountId": return options.AccountId;
                case "AWS::StackName": return "pipeline-local";
                case "AWS::Partition": return "aws";
            }

            if (overrides.TryGetValue(name, out var value))
            {
                return value;
            }

            var parameter = Get(Get(root, "Parameters"), name);
            if (parameter is not null)
            {
                return Scalar(Get(parameter, "Default"))
                       ?? throw new InvalidDataException($"{field}: parameter {name} has no Default and no value was given");
            }

            return Get(Get(root, "Resources"), name) is not null
                ? name
                : throw new InvalidDataException($"{field}: !Ref {name} names neither a parameter nor a resource");
        }

        private string Sub(string template, string field)
        {
            var result = new System.Text.StringBuilder();
            var i = 0;
            while (i < template.Length)
            {
                var start = template.IndexOf("${", i, StringComparison.Ordinal);
                if (start < 0)
                {
                    result.Append(template, i, template.Length - i);
                    break;
                }

                var end = template.IndexOf('}', start);
                if (end < 0)
                {
                    throw new InvalidDataException($"{field}: unterminated ${{ in !Sub '{template}'");
                }

                result.Append(template, i, start - i).Append(Ref(template[(start + 2)..end], field));
                i = end + 1;
            }

            return result.ToString();
        }

        private static NotSupportedException Unsupported(string what, string field) =>
            new($"{field}: {what} is not understood by the local function reader");
    }
}
