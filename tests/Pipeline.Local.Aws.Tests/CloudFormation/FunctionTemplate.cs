namespace Pipeline.Local.Aws.Tests.CloudFormation;

/// <summary>
/// A template whose one function, Fn, has one environment variable, VALUE, beside what a value may
/// refer to: a parameter with a default and one without, a condition, a bucket, and a bucket whose
/// condition is false.
/// </summary>
internal static class FunctionTemplate
{
    public static string WithValue(string value) => $$"""
        Parameters:
          Name: { Type: String, Default: x }
          Needed: { Type: String }
        Conditions:
          Yes: !Equals [a, a]
          Never: !Equals [a, b]
        Resources:
          Bucket: { Type: AWS::S3::Bucket }
          Gone: { Type: AWS::S3::Bucket, Condition: Never }
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: H
              Runtime: dotnet10
              Environment:
                Variables:
                  VALUE: {{value}}
        """;
}
