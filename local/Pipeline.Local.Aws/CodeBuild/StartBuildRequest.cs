namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>An environment variable as StartBuild takes it.</summary>
public sealed record BuildEnvironmentVariable(string Name, string Value, string Type = "PLAINTEXT");

/// <summary>
/// The StartBuild parameters the local runner honours, in the PascalCase names Step Functions
/// passes to <c>arn:aws:states:::codebuild:startBuild.sync</c>. <c>SourceTypeOverride</c> is accepted
/// and ignored: every local source is a repository on the local git host.
/// </summary>
public sealed record StartBuildRequest(
    string ProjectName,
    string? SourceVersion = null,
    IReadOnlyList<BuildEnvironmentVariable>? EnvironmentVariablesOverride = null,
    string? SourceLocationOverride = null,
    string? BuildspecOverride = null,
    int? TimeoutInMinutesOverride = null,
    ProjectArtifacts? ArtifactsOverride = null)
{
    private static readonly HashSet<string> Known =
    [
        nameof(ProjectName), nameof(SourceVersion), nameof(EnvironmentVariablesOverride), nameof(SourceLocationOverride),
        nameof(BuildspecOverride), nameof(TimeoutInMinutesOverride), nameof(ArtifactsOverride), "SourceTypeOverride",
    ];

    public static StartBuildRequest FromJson(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            throw new BuildInputInvalidException("StartBuild input must be a JSON object");
        }

        foreach (var key in obj.Select(p => p.Key).Where(k => !Known.Contains(k)))
        {
            throw new BuildInputInvalidException($"{key}: not supported by the local build runner (supported: {string.Join(", ", Known.Order(StringComparer.Ordinal))})");
        }

        var variables = new List<BuildEnvironmentVariable>();
        if (obj[nameof(EnvironmentVariablesOverride)] is { } list)
        {
            if (list is not JsonArray array)
            {
                throw new BuildInputInvalidException($"{nameof(EnvironmentVariablesOverride)}: must be a list of {{Name, Value, Type}}");
            }

            for (var i = 0; i < array.Count; i++)
            {
                var path = $"{nameof(EnvironmentVariablesOverride)}[{i}]";
                var item = array[i] as JsonObject ?? throw new BuildInputInvalidException($"{path}: must be an object");
                var type = Text(item, "Type", path) ?? "PLAINTEXT";
                if (type != "PLAINTEXT")
                {
                    throw new BuildInputInvalidException($"{path}.Type: only PLAINTEXT variables exist locally, got {type}");
                }

                variables.Add(new BuildEnvironmentVariable(
                    Text(item, "Name", path) is { Length: > 0 } name ? name : throw new BuildInputInvalidException($"{path}.Name: required"),
                    Text(item, "Value", path) ?? throw new BuildInputInvalidException($"{path}.Value: required"),
                    type));
            }
        }

        int? timeout = null;
        if (obj[nameof(TimeoutInMinutesOverride)] is JsonValue t)
        {
            timeout = t.TryGetValue<int>(out var minutes) && minutes is >= 5 and <= 2160 ? minutes
                : throw new BuildInputInvalidException($"{nameof(TimeoutInMinutesOverride)}: must be a whole number of minutes from 5 to 2160");
        }

        return new StartBuildRequest(
            Text(obj, nameof(ProjectName), "") is { Length: > 0 } project ? project
                : throw new BuildInputInvalidException($"{nameof(ProjectName)}: required"),
            Text(obj, nameof(SourceVersion), ""),
            variables,
            Text(obj, nameof(SourceLocationOverride), ""),
            Text(obj, nameof(BuildspecOverride), ""),
            timeout,
            obj.ContainsKey(nameof(ArtifactsOverride)) ? ProjectArtifacts.FromJson(obj[nameof(ArtifactsOverride)]) : null);
    }

    private static string? Text(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => throw new BuildInputInvalidException(
            string.Create(CultureInfo.InvariantCulture, $"{(path.Length == 0 ? name : $"{path}.{name}")}: must be a string")),
    };
}
