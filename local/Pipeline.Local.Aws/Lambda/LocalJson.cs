using System.Text.Json.Serialization;

namespace Pipeline.Local.Aws.Lambda;

/// <summary>The body of a Lambda service error, e.g. ResourceNotFoundException.</summary>
internal sealed record ServiceError(string Type, string Message);

[JsonSerializable(typeof(ServiceError))]
internal sealed partial class LocalJson : JsonSerializerContext;
