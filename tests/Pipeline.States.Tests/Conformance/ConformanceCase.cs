namespace Pipeline.States.Tests.Conformance;

/// <summary>
/// One conformance case: a definition, an input, how its Task states behave, and the result the
/// specification expects. <c>reference</c> is what aws-local-stepfunctions 3.0.0 produced on the same case
/// (written by regenerate.mjs); <c>departsFromReference</c> explains a case where the two differ.
/// </summary>
public sealed record ConformanceCase(string File, string Name, JsonObject Json)
{
    public JsonNode? Definition => Json["definition"];

    public JsonNode? Input => Json["input"];

    public JsonObject Expected => Json["expected"] as JsonObject
        ?? throw new InvalidOperationException($"{File}/{Name}: 'expected' is required");

    public JsonObject? Reference => Json["reference"] as JsonObject;

    public string? DepartsFromReference => Json["departsFromReference"]?.GetValue<string>();

    public JsonObject Tasks => Json["tasks"] as JsonObject ?? [];

    public override string ToString() => $"{Path.GetFileNameWithoutExtension(File)}/{Name}";

    public static IEnumerable<ConformanceCase> LoadAll()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Conformance", "cases");
        foreach (var file in Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            var cases = JsonNode.Parse(System.IO.File.ReadAllText(file))!.AsArray();
            foreach (var c in cases)
            {
                var o = c!.AsObject();
                yield return new ConformanceCase(Path.GetFileName(file), o["name"]!.GetValue<string>(), o);
            }
        }
    }
}
