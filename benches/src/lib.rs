//! Corpus generators for the msnp benchmarks.
