using System.Text.RegularExpressions;

namespace Pipeline.StateMachines.Tests;

/// <summary>The state machine definitions in statemachines/, loaded as JSON.</summary>
public static partial class Definitions
{
    public static string Folder => RepositoryRoot.Combine("statemachines");

    public static IReadOnlyList<string> Files =>
        Directory.GetFiles(Folder, "*.asl.json").Order(StringComparer.Ordinal).ToList();

    /// <summary>xunit theory data: every definition file name.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var file in Files)
            {
                data.Add(Path.GetFileName(file));
            }

            return data;
        }
    }

    public static string Text(string name) => File.ReadAllText(Path.Combine(Folder, name));

    public static JsonObject Load(string name) => JsonNode.Parse(Text(name))!.AsObject();

    public static IReadOnlySet<string> Placeholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every state, including those nested in Parallel branches and Map processors, with its name.</summary>
    public static IEnumerable<(string Name, JsonObject State)> AllStates(JsonObject machine)
    {
        foreach (var (name, node) in machine["States"]!.AsObject())
        {
            var state = node!.AsObject();
            yield return (name, state);
            foreach (var branch in state["Branches"]?.AsArray() ?? [])
            {
                foreach (var nested in AllStates(branch!.AsObject()))
                {
                    yield return nested;
                }
            }

            if ((state["ItemProcessor"] ?? state["Iterator"]) is JsonObject processor)
            {
                foreach (var nested in AllStates(processor))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>
    /// Replaces each placeholder with a value of the shape AWS substitutes: function ARNs for *Arn,
    /// plain names otherwise. Unknown shapes fail loudly, so a new placeholder gets a deliberate value.
    /// </summary>
    public static string Substitute(string text) => Placeholder().Replace(text, m => m.Groups[1].Value switch
    {
        var arn when arn.EndsWith("FunctionArn", StringComparison.Ordinal) =>
            $"arn:aws:lambda:us-east-1:123456789012:function:pipeline-{arn[..^"FunctionArn".Length]}",
        "BuildProjectName" => "pipeline-build",
        "ArtifactBucketName" => "pipeline-artifacts-123456789012",
        "VpcId" => "vpc-0a1b2c3d4e5f60718",
        "StackName" => "pipeline",
        "HealthCheckListenerArn" => "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/pipeline-health/50dc6c495c0c9188/f2f7dc8efc522ab2",
        "CodeCommitCloneUrlPrefix" => "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/",
        var other => throw new InvalidOperationException($"no test value for placeholder ${{{other}}}: add one in Definitions.Substitute"),
    });

    [GeneratedRegex(@"\$\{([A-Za-z0-9]+)\}")]
    private static partial Regex Placeholder();
}
