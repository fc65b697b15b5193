using System.Text.Json.Serialization;

namespace Pipeline.Local.Aws.ELBv2;

/// <summary>
/// The Task resources <c>arn:aws:states:::aws-sdk:elasticloadbalancingv2:ACTION</c> served by the
/// local target groups: the state machine's Parameters in, the SDK-shaped response out.
/// </summary>
public sealed class ElasticLoadBalancingV2Integration(LocalTargetGroups groups, TimeSpan? deregistrationDelay = null)
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
                var query = Read(parameters ?? new JsonObject(), ElbJsonContext.Default.DescribeTargetGroupsRequest);
                return TargetGroups(groups.DescribeTargetGroups(query.Names, query.TargetGroupArns));
            case "createTargetGroup":
                return TargetGroups([groups.CreateTargetGroup(
                    Read(parameters, ElbJsonContext.Default.CreateTargetGroupRequest).ToSettings(deregistrationDelay))]);
            case "modifyTargetGroupAttributes":
                return new JsonObject
                {
                    ["Attributes"] = JsonSerializer.SerializeToNode(
                        groups.ModifyTargetGroupAttributes(Read(parameters, ElbJsonContext.Default.ModifyTargetGroupAttributesRequest)),
                        ElbJsonContext.Default.IReadOnlyListTargetGroupAttributeItem),
                };
            case "createRule":
                return new JsonObject { ["Rules"] = new JsonArray(Rule(groups.CreateRule(Read(parameters, ElbJsonContext.Default.CreateRuleRequest)))) };
            case "deleteRule":
                groups.DeleteRule(Read(parameters, ElbJsonContext.Default.DeleteRuleRequest).RuleArn);
                return new JsonObject();
            case "describeRules":
                var listener = Read(parameters, ElbJsonContext.Default.DescribeRulesRequest);
                if (listener.PageSize is < 1 or > 400)
                {
                    throw ElasticLoadBalancingException.Validation($"PageSize: must be from 1 to 400, got {listener.PageSize}");
                }

                var rules = new JsonArray([.. groups.DescribeRules(listener.ListenerArn).Select(Rule)]);
                rules.Add(new JsonObject
                {
                    ["RuleArn"] = listener.ListenerArn.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/default",
                    ["Priority"] = "default",
                    ["Conditions"] = new JsonArray(),
                    ["Actions"] = new JsonArray(new JsonObject { ["Type"] = "fixed-response", ["Order"] = 1, ["FixedResponseConfig"] = new JsonObject { ["StatusCode"] = "404" } }),
                    ["IsDefault"] = true,
                });
                return new JsonObject { ["Rules"] = rules };
            case "deleteTargetGroup":
                groups.DeleteTargetGroup(Read(parameters, ElbJsonContext.Default.DeleteTargetGroupRequest).TargetGroupArn);
                return new JsonObject();
            default:
                throw ElasticLoadBalancingException.Validation(
                    $"{action}: not served locally (createTargetGroup, modifyTargetGroupAttributes, deleteTargetGroup, describeTargetGroups, registerTargets, deregisterTargets, describeTargetHealth, createRule, deleteRule, describeRules are)");
        }
    }

    private static JsonObject Rule(LocalRule rule) => new()
    {
        ["RuleArn"] = rule.Arn,
        ["Priority"] = rule.PriorityText,
        ["Conditions"] = JsonSerializer.SerializeToNode(rule.Conditions, ElbJsonContext.Default.IReadOnlyListRuleCondition),
        ["Actions"] = new JsonArray(new JsonObject { ["Type"] = "forward", ["TargetGroupArn"] = rule.TargetGroupArn, ["Order"] = 1 }),
        ["IsDefault"] = false,
    };

    private static JsonObject TargetGroups(IReadOnlyList<TargetGroupDescription> found) => new()
    {
        ["TargetGroups"] = JsonSerializer.SerializeToNode(found, ElbJsonContext.Default.IReadOnlyListTargetGroupDescription),
    };

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
[JsonSerializable(typeof(DescribeTargetGroupsRequest))]
[JsonSerializable(typeof(CreateTargetGroupRequest))]
[JsonSerializable(typeof(DeleteTargetGroupRequest))]
[JsonSerializable(typeof(ModifyTargetGroupAttributesRequest))]
[JsonSerializable(typeof(IReadOnlyList<TargetGroupAttributeItem>))]
[JsonSerializable(typeof(CreateRuleRequest))]
[JsonSerializable(typeof(DeleteRuleRequest))]
[JsonSerializable(typeof(DescribeRulesRequest))]
[JsonSerializable(typeof(IReadOnlyList<RuleCondition>))]
internal sealed partial class ElbJsonContext : JsonSerializerContext;
