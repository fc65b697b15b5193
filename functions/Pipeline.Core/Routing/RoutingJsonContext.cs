namespace Pipeline.Core.Routing;

/// <summary>Source-generated JSON for everything routing puts in S3 or passes between states: camelCase, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = false)]
[JsonSerializable(typeof(RoutingTable))]
[JsonSerializable(typeof(RoutesPointer))]
[JsonSerializable(typeof(RouterStatus))]
[JsonSerializable(typeof(Compose.Composition))]
public sealed partial class RoutingJsonContext : JsonSerializerContext;
