using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pipeline.Local.Stack.Fleet;

/// <summary>
/// The Task resources <c>arn:aws:states:::aws-sdk:elasticloadbalancingv2:ACTION</c> served by the
/// local target groups: the state machine's Parameters in, the SDK-shaped response out.
/// </summary>
public sealed class ElasticLoadBalancingV2Integration(LocalTargetGroups groups)
{
    public const string ResourcePrefix = "arn:aws:states:::aws-sdk:elasticloadbalancingv2:";

    public JsonNode Invoke(string resource, JsonNode? parameters)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var action = resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) ? resource[ResourcePrefix.Length..] : resource;
        switch (action)
        {
            case "registerTargets":
                groups.RegisterTargets(Read(parameters, ElbJsonContext.Default.TargetsRequest));
                return new JsonObject();
            case "deregisterTargets":
                groups.DeregisterTargets(Read(parameters, ElbJsonContext.Default.TargetsRequest));
                return new JsonObject();
            case "describeTargetHealth":
                return JsonSerializer.SerializeToNode(
                    groups.DescribeTargetHealth(Read(parameters, ElbJsonContext.Default.DescribeTargetHealthRequest)),
                    ElbJsonContext.Default.DescribeTargetHealthResponse)!;
            case "describeTargetGroups":
                return new JsonObject
                {
                    ["TargetGroups"] = JsonSerializer.SerializeToNode(
                        groups.DescribeTargetGroups(), ElbJsonContext.Default.IReadOnlyListTargetGroupDescription),
                };
            default:
                throw ElasticLoadBalancingException.Validation(
                    $"{action}: not served locally (registerTargets, deregisterTargets, describeTargetHealth, describeTargetGroups are)");
        }
    }

    private static T Read<T>(JsonNode? parameters, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return parameters.Deserialize(type)
                ?? throw ElasticLoadBalancingException.Validation("the parameters are missing");
        }
        catch (JsonException e)
        {
            throw ElasticLoadBalancingException.Validation($"the parameters do not fit the request: {e.Message}");
        }
    }
}

[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(TargetsRequest))]
[JsonSerializable(typeof(DescribeTargetHealthRequest))]
[JsonSerializable(typeof(DescribeTargetHealthResponse))]
[JsonSerializable(typeof(IReadOnlyList<TargetGroupDescription>))]
internal sealed partial class ElbJsonContext : JsonSerializerContext;
