using Pipeline.Local.Aws.SSM;

namespace Pipeline.Local.Aws.Tests.SSM;

public sealed class LocalParameterStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Put_ShouldKeepTheValueExactlyInAFileOnlyItsOwnerCanRead()
    {
        var store = new LocalParameterStore(_temp.Path);

        store.Put("/stack/orders/db-password", "a\tb\nc \"d\" é");
        store.Put("/stack/orders/db-password", "second");
        store.Put("/stack/billing/api-key", "x");

        Assert.Equal("second", new LocalParameterStore(_temp.Path).Get("/stack/orders/db-password"));
        Assert.Null(store.Get("/stack/orders/missing"));
        Assert.Equal(["/stack/orders/db-password"], store.Names("/stack/orders/"));
        OwnerOnly.AssertFile(store.FilePath);
    }

    [Theory]
    [InlineData("stack/orders/x", "x")]
    [InlineData("/stack/orders/x y", "x")]
    [InlineData("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", "x")]
    [InlineData("/stack/orders/x", "")]
    [InlineData("/stack/orders/x", "a\0b")]
    public void Put_WhenSsmWouldRefuseIt_ShouldRefuseAndKeepWhatIsStored(string name, string value)
    {
        var store = new LocalParameterStore(_temp.Path);
        store.Put("/stack/orders/kept", "kept");

        Assert.Throws<ArgumentException>(() => store.Put(name, value));
        Assert.Throws<ArgumentException>(() => store.Put("/stack/orders/long", new string('x', LocalParameterStore.MaxValueLength + 1)));

        Assert.Equal(["/stack/orders/kept"], store.Names("/"));
    }
}
