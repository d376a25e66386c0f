// The CLI writes to the process-wide Console (and Spectre.Console caches its writer), and several tests capture it:
// they must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
