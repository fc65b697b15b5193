namespace Pipeline.Local.Aws.Tests.CloudFormation;

public sealed class SamTemplateTests
{
    private const string Account = "000000000000";
    private static readonly SamTemplate Full = SamTemplate.Load(Fixture.Path("templates", "full.yaml"));

    private static IReadOnlyDictionary<string, string> RecordEnv => Full.Function("RecordVersionFunction").Environment;

    [Fact]
    public void Load_WhenFunctionUsesGlobals_ShouldMergeScalarsAndEnvironment()
    {
        var function = Full.Function("RecordVersionFunction");

        Assert.Equal("RecordVersionFunction", function.Name);
        Assert.Equal("RecordVersion", function.Handler);
        Assert.Equal(".build/functions/RecordVersion", function.CodeUri);
        Assert.Equal("dotnet10", function.Runtime);
        Assert.Equal(30, function.TimeoutSeconds);
        Assert.Equal(256, function.MemorySize);
        Assert.Equal(["x86_64"], function.Architectures);
        Assert.Equal("main", function.Environment["PIPELINE_DEPLOY_BRANCH"]);
        Assert.Equal("debug", function.Environment["LOG_LEVEL"]);
        Assert.Equal($"arn:aws:lambda:us-east-1:{Account}:function:RecordVersionFunction", function.Arn);
    }

    [Fact]
    public void Load_WhenFunctionOmitsTimeout_ShouldTakeTheGlobalOne()
    {
        var function = Full.Function("ScaleTablesFunction");

        Assert.Equal(60, function.TimeoutSeconds);
        Assert.Equal("pipeline-scale-tables", function.Name);
        Assert.Equal($"arn:aws:lambda:us-east-1:{Account}:function:pipeline-scale-tables", function.Arn);
    }

    [Theory]
    [InlineData("REGISTRY_TABLE", "pipeline-registry-dev")]
    [InlineData("REGISTRY_ARN", "arn:aws:dynamodb:us-east-1:000000000000:table/pipeline-registry-dev")]
    [InlineData("ARTIFACTS", "pipeline-artifacts-000000000000")]
    [InlineData("FIRST_ZONE", "a")]
    [InlineData("SECOND_PART", "y")]
    [InlineData("SECRET", "aGVsbG8=")]
    [InlineData("MODE", "dev-main")]
    [InlineData("PARTITION", "aws")]
    [InlineData("REGION", "us-east-1")]
    [InlineData("ESCAPED", "${NotAVariable}")]
    [InlineData("WITH_VARS", "pipeline-artifacts-000000000000/releases")]
    [InlineData("MAIN_DEV", "yes")]
    [InlineData("PROD_OR_FEATURE", "no")]
    public void Load_WhenEnvironmentUsesIntrinsics_ShouldResolveToLocalValues(string variable, string expected) =>
        Assert.Equal(expected, RecordEnv[variable]);

    [Fact]
    public void Load_WhenIfChoosesNoValue_ShouldDropTheProperty() =>
        Assert.False(RecordEnv.ContainsKey("OPTIONAL"));

    [Fact]
    public void Load_WhenParametersAreOverridden_ShouldUseOverridesInConditionsAndMappings()
    {
        var template = SamTemplate.Load(
            Fixture.Path("templates", "full.yaml"),
            new TemplateOptions { ParameterOverrides = new Dictionary<string, string> { ["Stage"] = "prod", ["DeployBranch"] = "release" } });
        var env = template.Function("RecordVersionFunction").Environment;

        Assert.Equal("production", env["MODE"]);
        Assert.Equal("set", env["OPTIONAL"]);
        Assert.Equal("info", env["LOG_LEVEL"]);
        Assert.Equal("no", env["MAIN_DEV"]);
        Assert.Equal("yes", env["PROD_OR_FEATURE"]);
        Assert.Equal(1024, template.Function("RecordVersionFunction").MemorySize);
        Assert.Contains(template.Buckets, b => b.LogicalId == "ProdOnlyBucket");
        Assert.Equal("pipeline-registry-prod", template.Tables.Single().Name);
    }

    [Fact]
    public void Load_WithLocalParameterValues_ShouldReplaceDefaultsYieldToOverridesAndSkipUndeclaredNames()
    {
        var template = SamTemplate.Load(
            Fixture.Path("templates", "full.yaml"),
            new TemplateOptions
            {
                LocalParameterValues = new Dictionary<string, string> { ["Stage"] = "prod", ["DeployBranch"] = "local", ["NotDeclared"] = "x" },
                ParameterOverrides = new Dictionary<string, string> { ["DeployBranch"] = "release" },
            });

        Assert.Equal("production", template.Function("RecordVersionFunction").Environment["MODE"]);
        Assert.Equal("release", template.Parameters["DeployBranch"]);
        Assert.False(template.Parameters.ContainsKey("NotDeclared"));
    }

    [Fact]
    public void Load_WhenConditionIsFalse_ShouldNotCreateTheResource() =>
        Assert.DoesNotContain(Full.Buckets, b => b.LogicalId == "ProdOnlyBucket");

    [Fact]
    public void Load_WhenStackContextDiffers_ShouldUseItsPseudoParameters()
    {
        var template = SamTemplate.Load(
            Fixture.Path("templates", "full.yaml"),
            new TemplateOptions { Stack = new StackContext("demo", "eu-west-1", "123456789012") });

        Assert.Equal("demo-artifacts-123456789012", template.Buckets.Single(b => b.LogicalId == "ArtifactsBucket").Name);
        Assert.Equal("arn:aws:states:eu-west-1:123456789012:stateMachine:demo-deploy-service",
            template.StateMachine("DeployServiceStateMachine").Arn);
    }

    [Fact]
    public void Load_WhenBucketsAndTablesAreDeclared_ShouldDescribeThem()
    {
        Assert.Equal(
            ["pipeline-artifacts-000000000000", "pipeline-logsbucket"],
            Full.Buckets.Select(b => b.Name).ToArray());
        Assert.Equal("arn:aws:s3:::pipeline-logsbucket", Full.Buckets[1].Arn);
        var table = Full.Tables.Single();
        Assert.Equal("RegistryTable", table.LogicalId);
        Assert.Equal("PAY_PER_REQUEST", table.Properties["BillingMode"]!.GetValue<string>());
        Assert.Equal("pk", table.Properties["KeySchema"]![0]!["AttributeName"]!.GetValue<string>());
    }

    [Fact]
    public void RenderDefinition_WhenSubstitutionsUseGetAttAndRef_ShouldProduceLocalArns()
    {
        var machine = Full.StateMachine("DeployServiceStateMachine");
        var definition = JsonNode.Parse(Full.RenderDefinition(machine))!;

        Assert.Equal("pipeline-deploy-service", machine.Name);
        Assert.Equal("STANDARD", machine.Type);
        Assert.Equal($"arn:aws:lambda:us-east-1:{Account}:function:RecordVersionFunction",
            definition["States"]!["Record"]!["Resource"]!.GetValue<string>());
        Assert.Equal($"arn:aws:lambda:us-east-1:{Account}:function:pipeline-scale-tables",
            definition["States"]!["Scale"]!["Resource"]!.GetValue<string>());
        Assert.Equal("pipeline-artifacts-000000000000", definition["States"]!["Record"]!["Parameters"]!["bucket"]!.GetValue<string>());
    }

    [Fact]
    public void RenderDefinition_WhenDefinitionIsInline_ShouldSubstituteIntoIt()
    {
        var machine = Full.StateMachine("InlineStateMachine");
        var definition = JsonNode.Parse(Full.RenderDefinition(machine))!;

        Assert.Equal("EXPRESS", machine.Type);
        Assert.Equal("hello from us-east-1", definition["States"]!["Hello"]!["Result"]!.GetValue<string>());
    }

    [Fact]
    public void RenderDefinition_WhenPlaceholderHasNoSubstitution_ShouldNameIt()
    {
        var template = SamTemplate.Parse("""
            Resources:
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Definition:
                    StartAt: A
                    States: { A: { Type: Task, Resource: "${MissingArn}", End: true } }
            """);

        var error = Assert.Throws<TemplateInvalidException>(() => template.RenderDefinition(template.StateMachine("Machine")));
        Assert.Contains("${MissingArn}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resources.Machine.Properties.DefinitionSubstitutions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_WhenStateMachineHasEventBridgeRule_ShouldTargetItWithTheResolvedPattern()
    {
        var rule = Full.Rules.Single(r => r.LogicalId == "DeployServiceStateMachineOnPush");

        Assert.False(rule.IsSchedule);
        Assert.Equal("default", rule.EventBusName);
        Assert.Equal("main", rule.EventPattern!["detail"]!["referenceName"]![0]!.GetValue<string>());
        Assert.Equal("aws.codecommit", rule.EventPattern["source"]![0]!.GetValue<string>());
        var target = Assert.Single(rule.Targets);
        Assert.Equal($"arn:aws:states:us-east-1:{Account}:stateMachine:pipeline-deploy-service", target.Arn);
        Assert.Equal("DeployServiceStateMachineOnPushStepFunctionsTarget", target.Id);
    }

    [Fact]
    public void Rules_WhenFunctionHasScheduleEvents_ShouldDescribeScheduleInputAndState()
    {
        var everyMinute = Full.Rules.Single(r => r.LogicalId == "ScaleTablesFunctionEveryMinute");
        var nightly = Full.Rules.Single(r => r.LogicalId == "ScaleTablesFunctionNightly");

        Assert.Equal("rate(1 minute)", everyMinute.ScheduleExpression);
        Assert.True(everyMinute.Enabled);
        Assert.False(everyMinute.Targets[0].Input!["dryRun"]!.GetValue<bool>());
        Assert.Equal("cron(0 3 * * ? *)", nightly.ScheduleExpression);
        Assert.False(nightly.Enabled);
        Assert.Equal(Full.Function("ScaleTablesFunction").Arn, nightly.Targets[0].Arn);
    }

    [Fact]
    public void Rules_WhenFunctionHasCloudWatchEvent_ShouldKeepPatternAndInputPath()
    {
        var legacy = Full.Rules.Single(r => r.LogicalId == "ScaleTablesFunctionLegacy");
        var bridge = Full.Rules.Single(r => r.LogicalId == "ScaleTablesFunctionOnTableChange");

        Assert.Equal("$.detail", legacy.Targets[0].InputPath);
        Assert.Equal("aws.cloudwatch", legacy.EventPattern!["source"]![0]!.GetValue<string>());
        Assert.Equal("aws.dynamodb", bridge.EventPattern!["source"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Rules_WhenEventsRuleIsDeclared_ShouldResolveTargetsAndState()
    {
        var github = Full.Rules.Single(r => r.LogicalId == "GitHubPushRule");
        var hourly = Full.Rules.Single(r => r.LogicalId == "HourlyRule");

        Assert.Equal("refs/heads/", github.EventPattern!["detail"]!["ref"]![0]!["prefix"]!.GetValue<string>());
        Assert.Equal(Full.StateMachine("DeployServiceStateMachine").Arn, github.Targets[0].Arn);
        Assert.Equal($"arn:aws:iam::{Account}:role/EventsRole", github.Targets[0].RoleArn);
        Assert.Equal("hourly", hourly.Name);
        Assert.Equal("rate(1 hour)", hourly.ScheduleExpression);
        Assert.False(hourly.Enabled);
        Assert.Equal("hourly", hourly.Targets[0].Input!["source"]!.GetValue<string>());
    }

    [Fact]
    public void Outputs_WhenValuesUseRefAndGetAtt_ShouldResolve()
    {
        Assert.Equal($"arn:aws:states:us-east-1:{Account}:stateMachine:pipeline-deploy-service", Full.Outputs["DeployServiceArn"]);
        Assert.Equal("pipeline-deploy-service", Full.Outputs["DeployServiceName"]);
        Assert.Equal("pipeline-artifacts-000000000000,pipeline-logsbucket", Full.Outputs["Buckets"]);
        Assert.Equal("7", Full.Parameters["Retention"]);
    }

    [Theory]
    [InlineData("!Ref Bucket", "ref:Bucket:name-of-Bucket")]
    [InlineData("!GetAtt Fn.Arn", "att:Fn.Arn")]
    public void Load_WhenResolverIsGiven_ShouldAskItForRefAndGetAtt(string value, string expected)
    {
        var template = SamTemplate.Parse(FunctionTemplate.WithValue(value), new TemplateOptions { Values = new FixedValues() });

        Assert.Equal(expected, template.Function("Fn").Environment["VALUE"]);
    }

    [Fact]
    public void Outputs_WhenTheyNameTheUrlSamGeneratesForAFunction_ShouldResolveItAndRefuseItWithoutFunctionUrlConfig()
    {
        const string Template = """
            Resources:
              Hook:
                Type: AWS::Serverless::Function
                Properties: { Handler: H, Runtime: dotnet10, FunctionUrlConfig: { AuthType: NONE } }
              Plain:
                Type: AWS::Serverless::Function
                Properties: { Handler: P, Runtime: dotnet10 }
            Outputs:
              Url: { Value: !GetAtt HookUrl.FunctionUrl }
            """;

        Assert.Equal("https://hook.lambda-url.us-east-1.on.aws/", SamTemplate.Parse(Template, new TemplateOptions()).Outputs["Url"]);
        var error = Assert.Throws<TemplateInvalidException>(() =>
            SamTemplate.Parse(Template.Replace("HookUrl", "PlainUrl", StringComparison.Ordinal), new TemplateOptions()));
        Assert.Contains("'PlainUrl', which the template does not declare", error.Message, StringComparison.Ordinal);
    }

    private sealed class FixedValues : ILocalResourceValues
    {
        public string DefaultPhysicalName(string logicalId, string type) => "name-of-" + logicalId;

        public string? Ref(ResourceIdentity resource) => $"ref:{resource.LogicalId}:{resource.PhysicalName}";

        public string? GetAtt(ResourceIdentity resource, string attribute) => $"att:{resource.LogicalId}.{attribute}";
    }
}
