using YamlDotNet.RepresentationModel;

namespace Pipeline.Local.Supervisor;

/// <summary>
/// The template's <c>AWS::CodeBuild::Project</c> names (an explicit Name, else the logical id, as
/// the template reader names them). The template reader does not describe projects; the local
/// build runner only needs their names, since every execution overrides source and artifacts.
/// </summary>
internal static class BuildProjects
{
    public static IReadOnlyList<string> Names(string templatePath)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(templatePath))
        {
            yaml.Load(reader);
        }

        var resources = (yaml.Documents[0].RootNode as YamlMappingNode)?.Children
            .FirstOrDefault(c => (c.Key as YamlScalarNode)?.Value == "Resources").Value as YamlMappingNode;
        var names = new List<string>();
        foreach (var (key, value) in resources?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            if (value is YamlMappingNode resource && Scalar(resource, "Type") == "AWS::CodeBuild::Project")
            {
                var properties = resource.Children.FirstOrDefault(c => (c.Key as YamlScalarNode)?.Value == "Properties").Value as YamlMappingNode;
                names.Add(properties is null ? ((YamlScalarNode)key).Value! : Scalar(properties, "Name") ?? ((YamlScalarNode)key).Value!);
            }
        }

        return names;
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(c => (c.Key as YamlScalarNode)?.Value == key).Value is YamlScalarNode { Tag.IsEmpty: true } s ? s.Value : null;
}
