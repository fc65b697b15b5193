namespace Pipeline.Functions.Tests;

[CollectionDefinition(EmulatorFixture.Collection)]
public sealed class EmulatorCollectionDefinition : ICollectionFixture<EmulatorFixture>;
