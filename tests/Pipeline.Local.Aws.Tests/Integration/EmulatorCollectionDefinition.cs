namespace Pipeline.Local.Aws.Tests.Integration;

[CollectionDefinition(EmulatorFixture.Collection)]
public sealed class EmulatorCollectionDefinition : ICollectionFixture<EmulatorFixture>;
