using System.IO.Compression;
using System.Text.Json;

namespace Pipeline.Template.Tests;

/// <summary>
/// Every <c>aws-sdk:elasticloadbalancingv2</c> Task of the state machines against botocore's elbv2
/// service model (the image's Python has it): the operation exists, every parameter is a member of
/// its input (required ones present, fixed values of the right type and enum), every ResultSelector
/// path is in its output, and every ElasticLoadBalancingV2 error a Retry or Catch names is one the
/// operation can raise. Step Functions passes Parameters to the SDK as they are, so a misspelt key
/// or error name here only shows on AWS, as a failed deploy.
/// </summary>
public sealed class Elbv2ModelTests
{
    private const string Prefix = "arn:aws:states:::aws-sdk:elasticloadbalancingv2:";

    // Not modelled per operation: the SDK's base exception, its client-side failure and the
    // throttling every AWS API can answer.
    private static readonly string[] AnyOperation = ["ElasticLoadBalancingV2Exception", "SdkClientException", "ThrottlingException"];

    private static readonly Lazy<JsonObject> Model = new(LoadModel);

    public static TheoryData<string, string> Tasks()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(RepositoryRoot.Combine("statemachines"), "*.asl.json"))
        {
            foreach (var (name, state) in States(JsonNode.Parse(File.ReadAllText(file))!["States"]!.AsObject()))
            {
                if ((string?)state["Resource"] is { } resource && resource.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    data.Add(Path.GetFileName(file), name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void Task_ShouldMatchBotocoresElbv2Model(string file, string stateName)
    {
        var state = States(JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("statemachines/" + file)))!["States"]!.AsObject())
            .Single(s => s.Name == stateName).State;
        var action = ((string)state["Resource"]!)[Prefix.Length..];
        var operationName = char.ToUpperInvariant(action[0]) + action[1..];
        var operation = Model.Value["operations"]![operationName] as JsonObject;
        Assert.True(operation is not null, $"{stateName}: elbv2 has no operation {operationName}");

        var problems = new List<string>();
        CheckStructure((string)operation!["input"]!["shape"]!, state["Parameters"] as JsonObject ?? [], $"{stateName}.Parameters", problems);
        foreach (var (key, value) in state["ResultSelector"] as JsonObject ?? [])
        {
            if (key.EndsWith(".$", StringComparison.Ordinal))
            {
                // A plain path, or the paths inside an intrinsic such as States.ArrayLength($.X).
                foreach (System.Text.RegularExpressions.Match found in System.Text.RegularExpressions.Regex.Matches((string)value!, @"\$(\.[A-Za-z0-9_]+(\[\d+\])?)*"))
                {
                    CheckPath((string)operation["output"]!["shape"]!, found.Value, $"{stateName}.ResultSelector.{key}", problems);
                }
            }
        }

        var errors = (operation["errors"] as JsonArray ?? []).Select(e => (string)e!["shape"]!).Concat(AnyOperation).ToHashSet(StringComparer.Ordinal);
        var named = (state["Retry"] as JsonArray ?? []).Concat(state["Catch"] as JsonArray ?? [])
            .SelectMany(r => r!["ErrorEquals"]!.AsArray().Select(e => (string)e!))
            .Where(e => e.StartsWith("ElasticLoadBalancingV2.", StringComparison.Ordinal));
        problems.AddRange(named.Select(e => e["ElasticLoadBalancingV2.".Length..]).Where(e => !errors.Contains(e))
            .Select(e => $"{stateName}: {operationName} never raises {e} (it raises {string.Join(", ", errors.Order(StringComparer.Ordinal))})"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Model_ShouldBeFoundAndCoverTheOperationsTheMachineUses()
    {
        Assert.NotNull(Model.Value["operations"]!["CreateRule"]);
        Assert.True(Tasks().Count >= 10, "expected the deploy machine's ELBv2 Tasks");
    }

    private static void CheckStructure(string shapeName, JsonObject parameters, string path, List<string> problems)
    {
        var shape = Shape(shapeName);
        var members = shape["members"]!.AsObject();
        var given = parameters.Select(p => (Name: p.Key.EndsWith(".$", StringComparison.Ordinal) ? p.Key[..^2] : p.Key, Dynamic: p.Key.EndsWith(".$", StringComparison.Ordinal), p.Value)).ToList();
        foreach (var required in shape["required"] as JsonArray ?? [])
        {
            if (!given.Any(g => g.Name == (string)required!))
            {
                problems.Add($"{path}: {shapeName} requires {(string)required!}");
            }
        }

        foreach (var (name, dynamic, value) in given)
        {
            if (members[name] is not JsonObject member)
            {
                problems.Add($"{path}.{name}: not a member of {shapeName} ({string.Join(", ", members.Select(m => m.Key))})");
            }
            else if (!dynamic)
            {
                CheckValue((string)member["shape"]!, value, $"{path}.{name}", problems);
            }
        }
    }

    private static void CheckValue(string shapeName, JsonNode? value, string path, List<string> problems)
    {
        var shape = Shape(shapeName);
        switch ((string)shape["type"]!, value)
        {
            case ("structure", JsonObject obj):
                CheckStructure(shapeName, obj, path, problems);
                break;
            case ("list", JsonArray items):
                for (var i = 0; i < items.Count; i++)
                {
                    CheckValue((string)shape["member"]!["shape"]!, items[i], $"{path}[{i}]", problems);
                }

                break;
            case ("string", JsonValue text) when text.GetValueKind() == JsonValueKind.String:
                if (shape["enum"] is JsonArray allowed && !allowed.Any(a => (string)a! == (string)text!))
                {
                    problems.Add($"{path}: '{(string)text!}' is not one of {string.Join(", ", allowed)}");
                }

                break;
            case ("integer" or "long", JsonValue number) when number.GetValueKind() == JsonValueKind.Number:
            case ("boolean", JsonValue flag) when flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                break;
            default:
                problems.Add($"{path}: {value?.ToJsonString()} does not fit {shapeName} ({(string)shape["type"]!})");
                break;
        }
    }

    /// <summary>Walks a ResultSelector path such as <c>$.Rules[0].RuleArn</c> through the output shape.</summary>
    private static void CheckPath(string shapeName, string jsonPath, string path, List<string> problems)
    {
        var shape = Shape(shapeName);
        foreach (var part in jsonPath.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Split('[')[0];
            if ((string)shape["type"]! != "structure" || shape["members"]![name] is not JsonObject member)
            {
                problems.Add($"{path}: {jsonPath} leaves the output at '{name}'");
                return;
            }

            shape = Shape((string)member["shape"]!);
            if (part.Contains('[', StringComparison.Ordinal))
            {
                shape = Shape((string)shape["member"]!["shape"]!);
            }
        }
    }

    private static JsonObject Shape(string name) => Model.Value["shapes"]![name]!.AsObject();

    /// <summary>Every state, those inside a Map or Parallel named by their path (<c>DetachOldTargetGroup/DeleteGroupRule</c>).</summary>
    private static IEnumerable<(string Name, JsonObject State)> States(JsonObject states, string scope = "")
    {
        foreach (var (key, node) in states)
        {
            var state = node!.AsObject();
            var name = scope + key;
            yield return (name, state);
            var nested = (state["ItemProcessor"] ?? state["Iterator"])?["States"]?.AsObject();
            var branches = (state["Branches"] as JsonArray ?? []).Select(b => b!["States"]!.AsObject());
            foreach (var inner in branches.Append(nested).OfType<JsonObject>())
            {
                foreach (var found in States(inner, name + "/"))
                {
                    yield return found;
                }
            }
        }
    }

    private static JsonObject LoadModel()
    {
        var probe = TemplateTools.Run(TemplateTools.Python, ["-c", "import botocore, os; print(os.path.dirname(botocore.__file__))"]);
        Assert.True(probe.ExitCode == 0, "botocore is not importable by " + TemplateTools.Python + ": " + probe.Output);
        var file = Directory.GetFiles(Path.Combine(probe.Output.Trim(), "data", "elbv2"), "service-2.json.gz", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Last();
        using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        return JsonNode.Parse(gzip)!.AsObject();
    }
}
