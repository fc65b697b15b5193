using Pipeline.Testing.Iam;

namespace Pipeline.Template.Tests;

/// <summary>
/// What each role of a transformed template grants, compared with the least-privilege table:
/// every action of a role's row must be granted, nothing else may be, managed policies are only
/// the logging ones SAM attaches, and a mutating action on <c>*</c> needs a condition that scopes it.
/// </summary>
public static class RoleGrants
{
    public static IReadOnlyList<string> Differences(JsonObject transformed, IReadOnlyDictionary<string, IReadOnlySet<string>> table)
    {
        ArgumentNullException.ThrowIfNull(transformed);
        ArgumentNullException.ThrowIfNull(table);
        var resources = transformed["Resources"]!.AsObject();
        var problems = new List<string>();
        foreach (var (owner, row) in table)
        {
            var roleId = owner + "Role";
            if (resources[roleId] is not JsonObject role || (string?)role["Type"] != "AWS::IAM::Role")
            {
                problems.Add($"{owner}: no role {roleId} in the transformed template");
                continue;
            }

            var statements = Statements(role).ToList();
            var granted = statements.SelectMany(s => s.Actions).ToHashSet(StringComparer.Ordinal);
            foreach (var missing in row.Except(granted).Order(StringComparer.Ordinal))
            {
                problems.Add($"{owner}: lacks {missing}, which the table says it needs");
            }

            foreach (var extra in granted.Except(row).Order(StringComparer.Ordinal))
            {
                problems.Add($"{owner}: grants {extra}, which is not in its row of the table");
            }

            foreach (var statement in statements.Where(s => s.OnEverything && !s.Conditioned))
            {
                foreach (var broad in statement.Actions.Where(a => !LeastPrivilegeTable.NoResourceLevelPermissions.Contains(a)))
                {
                    problems.Add($"{owner}: grants {broad} on * without a condition");
                }
            }

            foreach (var managed in (role["Properties"]?["ManagedPolicyArns"]?.AsArray() ?? []).Select(Text))
            {
                if (!LeastPrivilegeTable.AllowedManagedPolicies.Contains(managed))
                {
                    problems.Add($"{owner}: attaches managed policy {managed}");
                }
            }
        }

        return problems;
    }

    private sealed record Grant(IReadOnlyList<string> Actions, bool OnEverything, bool Conditioned);

    private static IEnumerable<Grant> Statements(JsonObject role)
    {
        foreach (var policy in role["Properties"]?["Policies"]?.AsArray() ?? [])
        {
            foreach (var statement in Alternatives(policy?["PolicyDocument"]?["Statement"]).SelectMany(s => s is JsonArray a ? a.AsEnumerable() : [s]))
            {
                foreach (var chosen in Alternatives(statement))
                {
                    if (chosen is not JsonObject s || (string?)s["Effect"] != "Allow")
                    {
                        continue;
                    }

                    var actions = (s["Action"] is JsonArray list ? list.Select(Text) : [Text(s["Action"])]).ToList();
                    var resources = s["Resource"] is JsonArray many ? many.ToList() : [s["Resource"]];
                    yield return new Grant(actions, resources.Any(r => r is JsonValue v && v.ToString() == "*"), s["Condition"] is not null);
                }
            }
        }
    }

    /// <summary>A node, or each branch of an Fn::If (AWS::NoValue dropped): a conditional grant counts when its condition holds.</summary>
    private static IEnumerable<JsonNode?> Alternatives(JsonNode? node)
    {
        if (node is JsonObject { Count: 1 } o && o["Fn::If"] is JsonArray { Count: 3 } branches)
        {
            foreach (var branch in branches.Skip(1))
            {
                if (branch is JsonObject { Count: 1 } r && (string?)r["Ref"] == "AWS::NoValue")
                {
                    continue;
                }

                foreach (var inner in Alternatives(branch))
                {
                    yield return inner;
                }
            }

            yield break;
        }

        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                foreach (var inner in Alternatives(item))
                {
                    yield return inner;
                }
            }

            yield break;
        }

        yield return node;
    }

    private static string Text(JsonNode? node) => node is JsonValue v ? v.ToString() : node?.ToJsonString() ?? "";
}
