namespace Pipeline.Local.Aws.Tests.CloudFormation;

public sealed class TemplateErrorTests
{
    private static TemplateInvalidException Fails(string environmentValue) =>
        Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse(FunctionTemplate.WithValue(environmentValue)));

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
    [InlineData("!Sub \"x-${Needed}\"", "Parameters.Needed has no Default and no override was given")]
    [InlineData("!Ref Gone", "refers to resource 'Gone', whose condition is false")]
    public void Parse_WhenIntrinsicCannotBeResolved_ShouldNameThePropertyPath(string value, string expected)
    {
        var error = Fails(value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("Resources.Fn.Properties.Environment.Variables.VALUE", error.Message, StringComparison.Ordinal);
        Assert.Equal("Pipeline.TemplateInvalid", error.ErrorType);
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

    public static TheoryData<string, string, string> InvalidTemplates() => new()
    {
        {
            "an unsupported event type",
            """
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: H
                  Runtime: dotnet10
                  Events:
                    Http: { Type: Api, Properties: { Path: /, Method: get } }
            """,
            "Resources.Fn.Properties.Events.Http.Type: event type Api is not supported"
        },
        {
            "a function without a handler",
            """
            Resources:
              Fn: { Type: AWS::Serverless::Function, Properties: { Runtime: dotnet10 } }
            """,
            "Resources.Fn.Properties.Handler: required"
        },
        { "broken YAML", "Resources:\n  A: [unclosed\n", "YAML error at line" },
        {
            "a condition that refers to itself",
            """
            Conditions:
              Loop: !Not [!Condition Loop]
            Resources:
              B: { Type: AWS::S3::Bucket, Condition: Loop }
            """,
            "Conditions.Loop: the condition refers to itself"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidTemplates))]
    public void Parse_WhenTemplateIsInvalid_ShouldSayWhereAndWhy(string why, string yaml, string expected)
    {
        var error = Assert.Throws<TemplateInvalidException>(() => SamTemplate.Parse(yaml));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{why}: {error.Message}");
    }
}
