namespace Pipeline.RouterAgent.Tests;

[CollectionDefinition(EmulatorFixture.Collection)]
public sealed class EmulatorCollectionDefinition : ICollectionFixture<EmulatorFixture>;
