using Pipeline.Testing;

namespace Pipeline.Local.Stack.Tests.Integration;

[CollectionDefinition(EmulatorFixture.Collection)]
public sealed class EmulatorCollectionDefinition : ICollectionFixture<EmulatorFixture>;
