"""Benchmarks (not tests): corpus generator, build and query benchmarks. See bench/README.md."""
