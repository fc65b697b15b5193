namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>
/// Where a build's output goes, as CodeBuild's ProjectArtifacts (StartBuild's
/// <c>ArtifactsOverride</c>) says it: S3 or nothing, a folder of files or one zip.
/// </summary>
/// <remarks>
/// The object key, per the ProjectArtifacts reference for <c>path</c>, <c>namespaceType</c> and
/// <c>name</c>: the non-empty parts of <c>Path / [build id if NamespaceType is BUILD_ID] / Name</c>
/// joined with '/', where a Name of "/" adds nothing ("the output artifact is stored in the root" of
/// what precedes it). With Packaging ZIP that key is the zip object; with Packaging NONE it is a
/// folder and every selected file is its own object at <c>key/entry</c>, where entry is the file's
/// path as the buildspec's <c>artifacts</c> select it (after <c>base-directory</c> and
/// <c>discard-paths</c>). So the deploy machine's {Path: builds/orders, Name: exec-1, NONE, NONE}
/// leaves <c>builds/orders/exec-1/artifact.tgz</c>. The documentation writes the namespace as
/// <c>&lt;build-ID&gt;</c> without saying whether the <c>project:</c> part of the id
/// (<c>project:uuid</c>) is in it; this runner uses the uuid alone.
/// </remarks>
public sealed record ProjectArtifacts(
    string Type,
    string? Location = null,
    string? Path = null,
    string? Name = null,
    string NamespaceType = "NONE",
    string Packaging = "NONE",
    bool OverrideArtifactName = false)
{
    private const string Field = "ArtifactsOverride";

    private static readonly HashSet<string> Known =
    [
        nameof(Type), nameof(Location), nameof(Path), nameof(Name), nameof(NamespaceType), nameof(Packaging),
        nameof(OverrideArtifactName), "EncryptionDisabled", "ArtifactIdentifier",
    ];

    /// <summary>No output is uploaded, whatever the buildspec selects.</summary>
    public bool None => Type == "NO_ARTIFACTS";

    public bool Zip => Packaging == "ZIP";

    /// <summary>The key of the zip object, or of the folder the files go under ("" is the bucket's root).</summary>
    public string Key(string buildUuid, string? name = null)
    {
        var parts = new[] { Path, NamespaceType == "BUILD_ID" ? buildUuid : null, name ?? Name }
            .Select(p => p?.Trim('/'))
            .Where(p => !string.IsNullOrEmpty(p));
        return string.Join('/', parts);
    }

    /// <summary>Reads and checks <c>ArtifactsOverride</c> as Step Functions passes it (PascalCase).</summary>
    public static ProjectArtifacts FromJson(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            throw Invalid("", "must be an object {Type, Location, Path, Name, NamespaceType, Packaging}");
        }

        foreach (var key in obj.Select(p => p.Key).Where(k => !Known.Contains(k)))
        {
            throw Invalid($".{key}", $"not supported by the local build runner (supported: {string.Join(", ", Known.Order(StringComparer.Ordinal))})");
        }

        var type = Text(obj, nameof(Type)) ?? throw Invalid($".{nameof(Type)}", "required: S3, NO_ARTIFACTS or CODEPIPELINE");
        switch (type)
        {
            case "CODEPIPELINE":
                throw Invalid($".{nameof(Type)}", "CODEPIPELINE output is managed by CodePipeline, which does not exist locally; use S3 or NO_ARTIFACTS");
            case not ("S3" or "NO_ARTIFACTS"):
                throw Invalid($".{nameof(Type)}", $"must be S3, NO_ARTIFACTS or CODEPIPELINE, got '{type}'");
        }

        var namespaceType = OneOf(obj, nameof(NamespaceType), "NONE", "NONE", "BUILD_ID");
        var packaging = OneOf(obj, nameof(Packaging), "NONE", "NONE", "ZIP");
        var overrideName = Flag(obj, nameof(OverrideArtifactName));
        Flag(obj, "EncryptionDisabled");
        Text(obj, "ArtifactIdentifier");
        var location = Text(obj, nameof(Location));
        var path = Text(obj, nameof(Path));
        var name = Text(obj, nameof(Name));
        if (type == "NO_ARTIFACTS")
        {
            // CodeBuild ignores the other fields when nothing is produced.
            return new ProjectArtifacts(type);
        }

        if (string.IsNullOrEmpty(location))
        {
            throw Invalid($".{nameof(Location)}", "required when Type is S3: the name of the output bucket");
        }

        if (location.Contains('/', StringComparison.Ordinal))
        {
            throw Invalid($".{nameof(Location)}", $"must be a bucket name alone, got '{location}'; put the folder in Path");
        }

        if (string.IsNullOrEmpty(name))
        {
            throw Invalid($".{nameof(Name)}", "required when Type is S3 (\"/\" stores the output at Path itself)");
        }

        return new ProjectArtifacts(type, location, path, name, namespaceType, packaging, overrideName);
    }

    private static string OneOf(JsonObject obj, string field, string fallback, params string[] allowed)
    {
        var value = Text(obj, field) ?? fallback;
        return allowed.Contains(value, StringComparer.Ordinal) ? value
            : throw Invalid($".{field}", $"must be {string.Join(" or ", allowed)}, got '{value}'");
    }

    private static bool Flag(JsonObject obj, string field) => obj[field] switch
    {
        null => false,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw Invalid($".{field}", "must be true or false"),
    };

    private static string? Text(JsonObject obj, string field) => obj[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw Invalid($".{field}", "must be a string"),
    };

    private static BuildInputInvalidException Invalid(string field, string message) => new($"{Field}{field}: {message}");
}
