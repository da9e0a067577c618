//! Integration tests: the `vppsim` binary and the library on real scenario files.

mod anywhere;
mod cli;
mod determinism;
mod epw;
mod ev_sessions;
mod folders;
mod generator;
mod golden;
mod infeasible;
mod invalid;
mod lp_files;
mod park;
mod quickstart;
mod reference;
mod report;
mod robustness;
mod schema;
mod sizing;
mod strategies;
mod support;
mod sweep;
mod verbosity;
mod vpp;
mod weather;
mod write_lp;
