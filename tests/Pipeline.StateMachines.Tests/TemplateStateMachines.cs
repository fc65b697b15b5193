using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.StateMachines.Tests;

/// <summary>The state machines of template.yaml, as the one template reader (<see cref="SamTemplate"/>) describes them.</summary>
public static class TemplateStateMachines
{
    public static IReadOnlyList<StateMachineDescription> Load() => SamTemplate.Load(RepositoryRoot.Combine("template.yaml")).StateMachines;
}
