namespace Pipeline.Aws.Tests;

[CollectionDefinition(EmulatorFixture.Collection)]
public sealed class EmulatorCollectionDefinition : ICollectionFixture<EmulatorFixture>;
