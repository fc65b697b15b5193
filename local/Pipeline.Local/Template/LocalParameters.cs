namespace Pipeline.Local.Template;

/// <summary>
/// Values for the template's AWS-only parameters (no default: VPC, subnets, launch template),
/// which name nothing on one machine but must resolve for the definitions to render.
/// </summary>
public static class LocalParameters
{
    public static IReadOnlyDictionary<string, string> Values { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["VpcId"] = "vpc-local",
        ["SubnetIds"] = "subnet-local",
        ["InstanceLaunchTemplateId"] = "lt-local",
    };

    /// <summary>The local values with <paramref name="overrides"/> on top.</summary>
    public static Dictionary<string, string> With(IReadOnlyDictionary<string, string>? overrides)
    {
        var values = new Dictionary<string, string>(Values, StringComparer.Ordinal);
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        return values;
    }
}
