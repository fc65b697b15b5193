using Pipeline.Testing;

namespace Pipeline.Metering.Tests;

[CollectionDefinition(EmulatorFixture.Collection)]
public sealed class EmulatorCollectionDefinition : ICollectionFixture<EmulatorFixture>;
