// The tests start Durable Task hosts, worker loops and ffmpeg on a 2-core machine; deadlines in the tests are real
// time, so they run one at a time rather than competing for the CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
