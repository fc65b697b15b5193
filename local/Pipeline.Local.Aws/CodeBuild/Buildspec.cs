using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>A buildspec phase: its commands, the <c>finally</c> block and what a failure does.</summary>
public sealed record BuildspecPhase(IReadOnlyList<string> Commands, IReadOnlyList<string> Finally, string? OnFailure);

/// <summary>The <c>artifacts</c> section.</summary>
public sealed record BuildspecArtifacts(
    IReadOnlyList<string> Files, string? BaseDirectory, bool DiscardPaths, IReadOnlyList<string> ExcludePaths, string? Name);

/// <summary>A parsed buildspec.yml (version 0.2).</summary>
public sealed record Buildspec(
    string Shell,
    IReadOnlyDictionary<string, string> Variables,
    IReadOnlyDictionary<string, BuildspecPhase> Phases,
    BuildspecArtifacts? Artifacts)
{
    public static readonly string[] PhaseNames = ["install", "pre_build", "build", "post_build"];

    public static Buildspec Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new BuildspecInvalidException($"YAML error at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new BuildspecInvalidException("the buildspec is not a YAML mapping");
        }

        var version = Scalar(root, "version", "");
        if (version != "0.2")
        {
            throw new BuildspecInvalidException($"version: must be 0.2, got {version ?? "nothing"}");
        }

        var env = Mapping(root, "env", "");
        foreach (var unsupported in new[] { "parameter-store", "secrets-manager", "git-credential-helper" })
        {
            if (env is not null && env.Children.ContainsKey(unsupported))
            {
                throw new BuildspecInvalidException($"env.{unsupported}: not available locally; use env.variables");
            }
        }

        var shell = env is null ? null : Scalar(env, "shell", "env");
        if (shell is not (null or "bash" or "/bin/sh" or "sh"))
        {
            throw new BuildspecInvalidException($"env.shell: must be bash or /bin/sh on Linux, got {shell}");
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Mapping(env, "variables", "env")?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            variables[((YamlScalarNode)key).Value!] = value is YamlScalarNode s ? s.Value ?? ""
                : throw new BuildspecInvalidException($"env.variables.{key}: must be a string");
        }

        var phases = new Dictionary<string, BuildspecPhase>(StringComparer.Ordinal);
        var phasesNode = Mapping(root, "phases", "");
        foreach (var (key, value) in phasesNode?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var name = ((YamlScalarNode)key).Value!;
            if (!PhaseNames.Contains(name))
            {
                throw new BuildspecInvalidException($"phases.{name}: unknown phase (install, pre_build, build, post_build)");
            }

            var phase = value as YamlMappingNode ?? throw new BuildspecInvalidException($"phases.{name}: must be a mapping");
            var onFailure = Scalar(phase, "on-failure", $"phases.{name}");
            if (onFailure is not (null or "ABORT" or "CONTINUE"))
            {
                throw new BuildspecInvalidException($"phases.{name}.on-failure: must be ABORT or CONTINUE, got {onFailure}");
            }

            phases[name] = new BuildspecPhase(
                List(phase, "commands", $"phases.{name}"), List(phase, "finally", $"phases.{name}"), onFailure);
        }

        var artifactsNode = Mapping(root, "artifacts", "");
        BuildspecArtifacts? artifacts = null;
        if (artifactsNode is not null)
        {
            var files = List(artifactsNode, "files", "artifacts");
            artifacts = new BuildspecArtifacts(
                files.Count > 0 ? files : throw new BuildspecInvalidException("artifacts.files: at least one path is required"),
                Scalar(artifactsNode, "base-directory", "artifacts"),
                Scalar(artifactsNode, "discard-paths", "artifacts") is "yes" or "true",
                List(artifactsNode, "exclude-paths", "artifacts"),
                Scalar(artifactsNode, "name", "artifacts"));
        }

        return new Buildspec(shell == "bash" ? "bash" : "/bin/sh", variables, phases, artifacts);
    }

    private static YamlNode? Child(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static YamlMappingNode? Mapping(YamlMappingNode? node, string key, string path) => Child(node, key) switch
    {
        null => null,
        YamlScalarNode { Value: null or "" } => null,
        YamlMappingNode m => m,
        _ => throw new BuildspecInvalidException($"{Join(path, key)}: must be a mapping"),
    };

    private static string? Scalar(YamlMappingNode node, string key, string path) => Child(node, key) switch
    {
        null => null,
        YamlScalarNode s => s.Value,
        _ => throw new BuildspecInvalidException($"{Join(path, key)}: must be a single value"),
    };

    private static List<string> List(YamlMappingNode node, string key, string path) => Child(node, key) switch
    {
        null => [],
        YamlSequenceNode seq => [.. seq.Children.Select((c, i) => c is YamlScalarNode s ? s.Value ?? ""
            : throw new BuildspecInvalidException($"{Join(path, key)}[{i}]: must be a single command or path"))],
        YamlScalarNode { Value: null or "" } => [],
        _ => throw new BuildspecInvalidException($"{Join(path, key)}: must be a list"),
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}

/// <summary>The buildspec cannot be used; CodeBuild reports this as YAML_FILE_ERROR.</summary>
public sealed class BuildspecInvalidException(string message) : Exception(message);
