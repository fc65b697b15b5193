using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.Tests.CloudFormation;

public sealed class TemplateErrorTests
{
    private static TemplateInvalidException Fails(string environmentValue) =>
        Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse($$"""
            Parameters:
              Name: { Type: String, Default: x }
            Conditions:
              Yes: !Equals [a, a]
            Resources:
              Bucket: { Type: AWS::S3::Bucket }
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: H
                  Runtime: dotnet10
                  Environment:
                    Variables:
                      VALUE: {{environmentValue}}
            """));

    [Theory]
    [InlineData("!GetAtt Missing.Arn", "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template")]
    [InlineData("!Ref Missing", "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template")]
    [InlineData("!Sub \"${Missing}\"", "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template")]
    [InlineData("!GetAtt Bucket.NoSuchAttribute", "has no attribute 'NoSuchAttribute'")]
    [InlineData("!ImportValue Shared", "Fn::ImportValue is not supported by the local stack")]
    [InlineData("!GetAZs us-east-1", "Fn::GetAZs is not supported")]
    [InlineData("!Ref AWS::NotAThing", "Unresolved resource dependencies [AWS::NotAThing]")]
    [InlineData("!If [Nope, a, b]", "refers to condition 'Nope'")]
    [InlineData("!Select [5, [a, b]]", "index 5 is out of range for 2 items")]
    [InlineData("!FindInMap [NoMap, a, b]", "mapping 'NoMap'")]
    [InlineData("!Join [\",\", notalist]", "must be a list")]
    [InlineData("!Frobnicate x", "unknown tag !Frobnicate")]
    public void Parse_WhenIntrinsicCannotBeResolved_ShouldNameThePropertyPath(string value, string expected)
    {
        var error = Fails(value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("Resources.Fn.Properties.Environment.Variables.VALUE", error.Message, StringComparison.Ordinal);
        Assert.Equal("Pipeline.TemplateInvalid", error.ErrorType);
    }

    [Fact]
    public void Parse_WhenParameterWithoutDefaultIsUsed_ShouldNameItAndTheReference()
    {
        var error = Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse("""
            Parameters:
              Needed: { Type: String }
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: H
                  Runtime: dotnet10
                  Environment: { Variables: { V: !Sub "x-${Needed}" } }
            """));

        Assert.Contains("Resources.Fn.Properties.Environment.Variables.V", error.Message, StringComparison.Ordinal);
        Assert.Contains("Parameters.Needed has no Default and no override was given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenParameterWithoutDefaultIsOnlyUsedByAwsResources_ShouldNotStopTheLocalStack()
    {
        var template = SamTemplate.Parse("""
            Parameters:
              VpcId: { Type: "AWS::EC2::VPC::Id" }
            Resources:
              Group:
                Type: AWS::EC2::SecurityGroup
                Properties: { VpcId: !Ref VpcId }
            """);

        Assert.Empty(template.Functions);
    }

    [Fact]
    public void Parse_WhenOverrideIsNotAllowed_ShouldListTheAllowedValues()
    {
        var error = Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse(
            """
            Parameters:
              Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }
            Resources: {}
            """,
            new TemplateOptions { ParameterOverrides = new Dictionary<string, string> { ["Stage"] = "qa" } }));

        Assert.Contains("'qa' is not one of the AllowedValues", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenEventTypeIsUnsupported_ShouldSayWhichAre()
    {
        var error = Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse("""
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: H
                  Runtime: dotnet10
                  Events:
                    Http: { Type: Api, Properties: { Path: /, Method: get } }
            """));

        Assert.Contains("Resources.Fn.Properties.Events.Http.Type: event type Api is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenHandlerIsMissing_ShouldSayWhere()
    {
        var error = Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse("""
            Resources:
              Fn: { Type: AWS::Serverless::Function, Properties: { Runtime: dotnet10 } }
            """));

        Assert.Contains("Resources.Fn.Properties.Handler: required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenYamlIsBroken_ShouldGiveLineAndColumn()
    {
        var error = Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse("Resources:\n  A: [unclosed\n"));

        Assert.Contains("YAML error at line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenConditionRefersToItself_ShouldSaySo()
    {
        var error = Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse("""
            Conditions:
              Loop: !Not [!Condition Loop]
            Resources:
              B: { Type: AWS::S3::Bucket, Condition: Loop }
            """));

        Assert.Contains("Conditions.Loop: the condition refers to itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenRefTargetsConditionallyAbsentResource_ShouldSayItIsNotCreated()
    {
        var error = Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse("""
            Conditions:
              Never: !Equals [a, b]
            Resources:
              Gone: { Type: AWS::S3::Bucket, Condition: Never }
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: H
                  Runtime: dotnet10
                  Environment: { Variables: { VALUE: !Ref Gone } }
            """));

        Assert.Contains(
            "Resources.Fn.Properties.Environment.Variables.VALUE: refers to resource 'Gone', whose condition is false",
            error.Message,
            StringComparison.Ordinal);
    }
}
