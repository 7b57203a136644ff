"""Development data: the demo programme with its fictitious people, its next edition, and
programmes generated at scale for the benchmarks. It sits above every app and nothing
imports it but its commands, the tests and the benchmarks."""
