//! Integration tests: the `vppsim` binary and the library on real scenario files.

mod cli;
mod invalid;
mod reference;
mod support;
