namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>Turns rules and SAM Events entries into <see cref="EventRuleDescription"/>s.</summary>
internal sealed class SamEvents(TemplateEvaluator evaluator)
{
    public EventRuleDescription ReadRule(string id, JsonObject properties)
    {
        var path = $"Resources.{id}.Properties";
        var resolved = evaluator.Resolve(properties, path) as JsonObject ?? [];
        var targets = new List<RuleTargetDescription>();
        var i = 0;
        foreach (var target in resolved["Targets"] as JsonArray ?? [])
        {
            var targetPath = $"{path}.Targets[{i++}]";
            if (target is not JsonObject t)
            {
                throw new TemplateInvalidException($"{targetPath}: must be a mapping");
            }

            targets.Add(new RuleTargetDescription(
                Text(t, "Id", targetPath) ?? throw new TemplateInvalidException($"{targetPath}.Id: required"),
                Text(t, "Arn", targetPath) ?? throw new TemplateInvalidException($"{targetPath}.Arn: required"),
                Input(t["Input"], $"{targetPath}.Input"),
                Text(t, "InputPath", targetPath),
                Text(t, "RoleArn", targetPath)));
        }

        return Rule(
            id,
            Text(resolved, "Name", path) ?? evaluator.Identity(id, path).PhysicalName,
            resolved,
            pattern: "EventPattern",
            enabled: (Text(resolved, "State", path) ?? "ENABLED") == "ENABLED",
            targets,
            path);
    }

    public IReadOnlyList<EventRuleDescription> ReadOwnerEvents(
        string ownerId, JsonObject? events, string ownerArn, string targetSuffix, string ownerPath)
    {
        var rules = new List<EventRuleDescription>();
        foreach (var (name, node) in events ?? [])
        {
            var path = $"{ownerPath}.Events.{name}";
            var type = evaluator.ResolveString(node?["Type"], $"{path}.Type");
            if (type is not ("Schedule" or "ScheduleV2" or "EventBridgeRule" or "CloudWatchEvent"))
            {
                throw new TemplateInvalidException(
                    $"{path}.Type: event type {type} is not supported locally (Schedule, ScheduleV2, EventBridgeRule, CloudWatchEvent are)");
            }

            var properties = evaluator.Resolve(node?["Properties"], $"{path}.Properties") as JsonObject ?? [];
            var propertiesPath = $"{path}.Properties";
            var logicalId = ownerId + name;
            var enabled = properties["Enabled"] is JsonValue e && e.TryGetValue<bool>(out var flag)
                ? flag
                : (Text(properties, "State", propertiesPath) ?? "ENABLED") == "ENABLED";
            var target = new RuleTargetDescription(
                Text(properties["Target"] as JsonObject ?? [], "Id", propertiesPath) ?? logicalId + targetSuffix,
                ownerArn,
                Input(properties["Input"], $"{propertiesPath}.Input"),
                Text(properties, "InputPath", propertiesPath),
                RoleArn: null);
            var ruleName = Text(properties, "RuleName", propertiesPath) ?? Text(properties, "Name", propertiesPath) ?? logicalId;
            var scheduleKey = type == "ScheduleV2" ? "ScheduleExpression" : "Schedule";
            if (type is "Schedule" or "ScheduleV2" && properties[scheduleKey] is null)
            {
                throw new TemplateInvalidException($"{propertiesPath}.{scheduleKey}: required for a {type} event");
            }

            properties["ScheduleExpression"] = properties[scheduleKey]?.DeepClone();
            rules.Add(Rule(logicalId, ruleName, properties, "Pattern", enabled, [target], propertiesPath));
        }

        return rules;
    }

    private static EventRuleDescription Rule(
        string id, string name, JsonObject resolved, string pattern, bool enabled,
        IReadOnlyList<RuleTargetDescription> targets, string path)
    {
        var schedule = Text(resolved, "ScheduleExpression", path);
        var eventPattern = resolved[pattern] switch
        {
            null => null,
            JsonObject o => o,
            JsonValue v => ParseJson(TemplateEvaluator.ScalarText(v, $"{path}.{pattern}"), $"{path}.{pattern}") as JsonObject
                ?? throw new TemplateInvalidException($"{path}.{pattern}: must be a JSON object"),
            _ => throw new TemplateInvalidException($"{path}.{pattern}: must be an object"),
        };
        if (schedule is null && eventPattern is null)
        {
            throw new TemplateInvalidException($"{path}: a rule needs a ScheduleExpression or an event pattern");
        }

        return new EventRuleDescription(
            id, name, schedule, (JsonObject?)eventPattern?.DeepClone(), Text(resolved, "EventBusName", path) ?? "default",
            enabled, targets);
    }

    // CloudFormation's Input is JSON text; SAM also accepts it as text only.
    private static JsonNode? Input(JsonNode? input, string path) => input switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => ParseJson(v.GetValue<string>(), path),
        _ => input.DeepClone(),
    };

    private static JsonNode? ParseJson(string text, string path)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new TemplateInvalidException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    private static string? Text(JsonObject obj, string name, string path) =>
        obj[name] is JsonValue v ? TemplateEvaluator.ScalarText(v, $"{path}.{name}") : null;
}
