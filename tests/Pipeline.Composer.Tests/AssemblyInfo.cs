// Tests pick free ports and release them before listening: running one class at a time keeps two
// tests from being handed the same port.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
