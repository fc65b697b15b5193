namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// The IAM actions the Task states of a definition need, as the Step Functions developer guide
/// documents them per integration: an optimized Lambda invoke needs lambda:InvokeFunction,
/// CodeBuild's <c>.sync</c> also stops builds, polls them and manages the rule that reports their
/// end, and an AWS SDK integration needs the action it names (plus AddTags when it creates a
/// target group with tags).
/// </summary>
public static class TaskActions
{
    public static IReadOnlySet<string> Of(string definitionText)
    {
        var actions = new HashSet<string>(StringComparer.Ordinal);
        Collect(JsonNode.Parse(definitionText)!["States"]!.AsObject(), actions);
        return actions;
    }

    private static void Collect(JsonObject states, HashSet<string> actions)
    {
        foreach (var (_, node) in states)
        {
            var state = node!.AsObject();
            if (state["Iterator"]?["States"] is JsonObject iterator)
            {
                Collect(iterator, actions);
            }

            if (state["ItemProcessor"]?["States"] is JsonObject processor)
            {
                Collect(processor, actions);
            }

            foreach (var branch in state["Branches"]?.AsArray() ?? [])
            {
                Collect(branch!["States"]!.AsObject(), actions);
            }

            if ((string?)state["Type"] != "Task")
            {
                continue;
            }

            var resource = (string)state["Resource"]!;
            switch (resource)
            {
                case "arn:aws:states:::lambda:invoke":
                    actions.Add("lambda:InvokeFunction");
                    break;
                case "arn:aws:states:::codebuild:startBuild.sync":
                    actions.UnionWith(["codebuild:StartBuild", "codebuild:StopBuild", "codebuild:BatchGetBuilds",
                        "events:PutTargets", "events:PutRule", "events:DescribeRule"]);
                    break;
                case var sdk when sdk.StartsWith("arn:aws:states:::aws-sdk:elasticloadbalancingv2:", StringComparison.Ordinal):
                    var api = sdk["arn:aws:states:::aws-sdk:elasticloadbalancingv2:".Length..];
                    actions.Add("elasticloadbalancing:" + char.ToUpperInvariant(api[0]) + api[1..]);
                    if (api == "createTargetGroup" && state["Parameters"]?["Tags"] is not null)
                    {
                        actions.Add("elasticloadbalancing:AddTags");
                    }

                    break;
                default:
                    throw new InvalidOperationException($"no documented actions for Task resource {resource}: add them to TaskActions");
            }
        }
    }
}
