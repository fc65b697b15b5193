// Every test here runs ./pipeline, which builds the CLI when its sources changed: one at a time, so
// two runs never build into .build/cli together, and a loaded machine is not loaded further.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
