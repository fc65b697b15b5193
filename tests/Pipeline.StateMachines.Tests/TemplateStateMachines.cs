using Pipeline.Testing;
using YamlDotNet.RepresentationModel;

namespace Pipeline.StateMachines.Tests;

/// <summary>The AWS::Serverless::StateMachine resources of template.yaml: definition file and substitutions.</summary>
public sealed record TemplateStateMachine(string LogicalId, string DefinitionUri, IReadOnlySet<string> Substitutions);

public static class TemplateStateMachines
{
    public static IReadOnlyList<TemplateStateMachine> Load()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(RepositoryRoot.Combine("template.yaml")))
        {
            // Tags such as !GetAtt stay on the nodes; only structure and keys matter here.
            stream.Load(reader);
        }

        var resources = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("Resources")];
        var machines = new List<TemplateStateMachine>();
        foreach (var (key, value) in resources.Children)
        {
            var resource = (YamlMappingNode)value;
            if (Scalar(resource, "Type") != "AWS::Serverless::StateMachine")
            {
                continue;
            }

            var properties = (YamlMappingNode)resource.Children[new YamlScalarNode("Properties")];
            var substitutions = properties.Children.TryGetValue(new YamlScalarNode("DefinitionSubstitutions"), out var node)
                ? ((YamlMappingNode)node).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal)
                : new HashSet<string>(StringComparer.Ordinal);
            machines.Add(new TemplateStateMachine(((YamlScalarNode)key).Value!, Scalar(properties, "DefinitionUri")!, substitutions));
        }

        return machines;
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((YamlScalarNode)node).Value : null;
}
