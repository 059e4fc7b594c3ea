//! msnp-proto
