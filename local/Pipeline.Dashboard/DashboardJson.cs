using System.Text.Json.Serialization;

namespace Pipeline.Dashboard;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GraphView))]
internal sealed partial class DashboardJson : JsonSerializerContext;
