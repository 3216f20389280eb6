"""Developer programs: benchmarks, the load test, screenshots, repeated test runs with fresh seeds."""
