namespace Pipeline.Core.Tests.Triggers;

/// <summary>Loads a sample event from Triggers/Events by file name.</summary>
internal static class SampleEvents
{
    public static JsonElement Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Triggers", "Events", name))).RootElement.Clone();

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
