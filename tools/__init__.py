"""Developer programs: benchmarks, the load test, screenshots."""
